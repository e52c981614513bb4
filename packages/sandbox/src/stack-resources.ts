/**
 * DescribeStackResource, DescribeStackResources and ListStackResources: a stack's resources
 * with the status and time of their latest event.
 */
import type { Stack } from './cloud-state';
import { type CloudFormationContext, requireStack } from './cloudformation';
import { pageOf } from './paging';
import { AwsError, type QueryParams, requireParam, type XmlValue } from './query-protocol';
import type { PlannedResource } from './template-evaluator';

/** CloudFormation's page size for ListStackResources. */
const LIST_STACK_RESOURCES_PAGE_SIZE = 100;

/** A resource's status and when it last changed, from the stack's events. */
function stateOf(stack: Stack, resource: PlannedResource): { status: string; at: Date } {
  for (let index = stack.events.length - 1; index >= 0; index--) {
    const event = stack.events[index];
    if (event?.logicalResourceId === resource.logicalId && event.resourceType === resource.type) {
      return { status: event.resourceStatus, at: new Date(event.timestamp) };
    }
  }
  return { status: 'CREATE_IN_PROGRESS', at: new Date(stack.createdAt) };
}

/** Runs DescribeStackResource. */
export function describeStackResource(
  params: QueryParams,
  context: CloudFormationContext,
): XmlValue {
  const stack = requireStack(context, requireParam(params, 'StackName'));
  const logicalId = requireParam(params, 'LogicalResourceId');
  const resource = stack.resources.find((candidate) => candidate.logicalId === logicalId);
  if (!resource) {
    throw new AwsError(
      'ValidationError',
      `Resource ${logicalId} does not exist for stack ${stack.name}`,
    );
  }
  const { status, at } = stateOf(stack, resource);
  return {
    StackResourceDetail: {
      StackName: stack.name,
      StackId: stack.stackId,
      LogicalResourceId: resource.logicalId,
      PhysicalResourceId: resource.physicalId,
      ResourceType: resource.type,
      LastUpdatedTimestamp: at,
      ResourceStatus: status,
      Metadata: '{}',
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    },
  };
}

/** Runs DescribeStackResources (by StackName, or by a resource's PhysicalResourceId). */
export function describeStackResources(
  params: QueryParams,
  context: CloudFormationContext,
): XmlValue {
  const stackName = params.get('StackName');
  const physicalId = params.get('PhysicalResourceId');
  const logicalId = params.get('LogicalResourceId');
  let stack: Stack | undefined;
  if (stackName !== undefined) {
    stack = requireStack(context, stackName);
  } else if (physicalId !== undefined) {
    context.state.settle(context.now);
    stack = context.state
      .stacks(context.caller.accountId, context.region)
      .find((candidate) =>
        candidate.resources.some((resource) => resource.physicalId === physicalId),
      );
    if (!stack) {
      throw new AwsError('ValidationError', `Stack for ${physicalId} does not exist`);
    }
  } else {
    throw new AwsError(
      'ValidationError',
      'Either StackName or PhysicalResourceId must be specified.',
    );
  }
  const found = stack;
  return {
    StackResources: found.resources
      .filter(
        (resource) =>
          (logicalId === undefined || resource.logicalId === logicalId) &&
          (physicalId === undefined || resource.physicalId === physicalId),
      )
      .map((resource) => {
        const { status, at } = stateOf(found, resource);
        return {
          StackName: found.name,
          StackId: found.stackId,
          LogicalResourceId: resource.logicalId,
          PhysicalResourceId: resource.physicalId,
          ResourceType: resource.type,
          Timestamp: at,
          ResourceStatus: status,
          DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
        };
      }),
  };
}

/** Runs ListStackResources. */
export function listStackResources(params: QueryParams, context: CloudFormationContext): XmlValue {
  const stack = requireStack(context, requireParam(params, 'StackName'));
  const { page, nextToken } = pageOf(
    stack.resources,
    params.get('NextToken'),
    LIST_STACK_RESOURCES_PAGE_SIZE,
    (resource) => resource.logicalId,
  );
  return {
    StackResourceSummaries: page.map((resource) => {
      const { status, at } = stateOf(stack, resource);
      return {
        LogicalResourceId: resource.logicalId,
        PhysicalResourceId: resource.physicalId,
        ResourceType: resource.type,
        LastUpdatedTimestamp: at,
        ResourceStatus: status,
        DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
      };
    }),
    NextToken: nextToken,
  };
}
