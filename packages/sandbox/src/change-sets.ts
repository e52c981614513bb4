/** CloudFormation change sets: create (CREATE or UPDATE), describe, execute, delete, list. */
import type { ChangeSet, Stack } from './cloud-state';
import {
  type CloudFormationContext,
  changeContextOf,
  requireStack,
  stackRequestOf,
  tagsOf,
} from './cloudformation';
import { AwsError, type QueryParams, requireParam, type XmlValue } from './query-protocol';

type ChangeSetAction =
  | 'CreateChangeSet'
  | 'DescribeChangeSet'
  | 'ExecuteChangeSet'
  | 'DeleteChangeSet';

/** Runs one change-set action. */
export function runChangeSetAction(
  action: ChangeSetAction,
  params: QueryParams,
  context: CloudFormationContext,
): XmlValue {
  switch (action) {
    case 'CreateChangeSet':
      return createChangeSet(params, context);
    case 'DescribeChangeSet': {
      const { stack, changeSet } = requireChangeSet(params, context);
      return changeSetXml(stack, changeSet);
    }
    case 'ExecuteChangeSet': {
      const { stack, changeSet } = requireChangeSet(params, context);
      context.state.executeChangeSet(stack, changeSet, {
        ...changeContextOf(context),
        disableRollback: params.get('DisableRollback') === 'true',
      });
      return {};
    }
    case 'DeleteChangeSet': {
      const { stack, changeSet } = requireChangeSet(params, context);
      context.state.deleteChangeSet(stack, changeSet);
      return {};
    }
  }
}

function createChangeSet(params: QueryParams, context: CloudFormationContext): XmlValue {
  const stackName = requireParam(params, 'StackName');
  const changeSetName = requireParam(params, 'ChangeSetName');
  const typeText = params.get('ChangeSetType') ?? 'UPDATE';
  if (typeText !== 'CREATE' && typeText !== 'UPDATE') {
    throw new AwsError(
      'ValidationError',
      typeText === 'IMPORT'
        ? 'The Cloud Connect sandbox does not implement IMPORT change sets.'
        : `1 validation error detected: Value '${typeText}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [UPDATE, IMPORT, CREATE]`,
    );
  }
  context.state.settle(context.now);
  const existing = context.state.findStack(context.caller.accountId, context.region, stackName);
  const previous =
    typeText === 'UPDATE' && existing?.status !== 'REVIEW_IN_PROGRESS' ? existing : undefined;
  const description = params.get('Description');
  const { stack, changeSet } = context.state.createChangeSet({
    accountId: context.caller.accountId,
    region: context.region,
    stackName,
    changeSetName,
    type: typeText,
    ...(description !== undefined && { description }),
    request: stackRequestOf(params, context, previous),
    tags: tagsOf(params),
    ...changeContextOf(context),
  });
  return { Id: changeSet.id, StackId: stack.stackId };
}

/** ListChangeSets: the change sets of a stack. */
export function listChangeSets(params: QueryParams, context: CloudFormationContext): XmlValue {
  const stack = requireStack(context, requireParam(params, 'StackName'));
  return {
    Summaries: stack.changeSets.map((changeSet) => ({
      StackId: stack.stackId,
      StackName: stack.name,
      ChangeSetId: changeSet.id,
      ChangeSetName: changeSet.name,
      ExecutionStatus: changeSet.executionStatus,
      Status: changeSet.status,
      StatusReason: changeSet.statusReason,
      CreationTime: new Date(changeSet.createdAt),
      Description: changeSet.description,
      IncludeNestedStacks: false,
    })),
  };
}

function requireChangeSet(
  params: QueryParams,
  context: CloudFormationContext,
): { stack: Stack; changeSet: ChangeSet } {
  const name = requireParam(params, 'ChangeSetName');
  const stackName = params.get('StackName');
  if (!name.startsWith('arn:') && stackName === undefined) {
    throw new AwsError(
      'ValidationError',
      'StackName must be specified if ChangeSetName is not specified as an ARN.',
    );
  }
  context.state.settle(context.now);
  const found = context.state.findChangeSet(
    context.caller.accountId,
    context.region,
    name,
    stackName,
  );
  if (!found) throw new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, 404);
  return found;
}

function changeSetXml(stack: Stack, changeSet: ChangeSet): XmlValue {
  return {
    ChangeSetName: changeSet.name,
    ChangeSetId: changeSet.id,
    StackId: stack.stackId,
    StackName: stack.name,
    Description: changeSet.description,
    Parameters: changeSet.definition.parameters.map((parameter) => ({
      ParameterKey: parameter.key,
      ParameterValue: parameter.noEcho ? '****' : parameter.value,
    })),
    CreationTime: new Date(changeSet.createdAt),
    ExecutionStatus: changeSet.executionStatus,
    Status: changeSet.status,
    StatusReason: changeSet.statusReason,
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: changeSet.definition.capabilities,
    Tags: stack.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
    Changes: changeSet.changes.map((change) => ({
      Type: 'Resource',
      ResourceChange: {
        Action: change.action,
        LogicalResourceId: change.logicalId,
        PhysicalResourceId: change.physicalId,
        ResourceType: change.type,
        Replacement:
          change.replacement === undefined ? undefined : change.replacement ? 'True' : 'False',
        Scope: change.action === 'Modify' ? ['Properties'] : [],
        Details: [],
      },
    })),
    IncludeNestedStacks: false,
  };
}
