/**
 * CloudFormation actions: stacks (create, describe, list, update, delete, termination
 * protection), their events and resources, templates (get, summarise, validate) and change sets.
 */

import { listChangeSets, runChangeSetAction } from './change-sets';
import type { CloudState, OnFailure, Stack } from './cloud-state';
import type { CallerIdentity } from './identities';
import {
  AwsError,
  checkParam,
  notImplemented,
  type QueryParams,
  readList,
  readStructList,
  requireParam,
  type XmlValue,
} from './query-protocol';
import type { SandboxScenario, SandboxTiming } from './scenarios';
import type { ParameterInput, StackRequest } from './stack-definition';
import { listStacks } from './stack-list';
import {
  describeStackResource,
  describeStackResources,
  listStackResources,
} from './stack-resources';
import {
  type CloudFormationTemplate,
  checkTemplateReferences,
  iamResourceTypes,
  parseTemplate,
  requiredCapability,
} from './template-evaluator';
import { MAX_TEMPLATE_BODY_LENGTH } from './template-format';

/** The XML namespace of CloudFormation responses. */
export const CLOUDFORMATION_XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** The CloudFormation actions the sandbox serves. */
export const CLOUDFORMATION_ACTIONS = [
  'CreateStack',
  'DescribeStacks',
  'DescribeStackEvents',
  'DeleteStack',
  'UpdateStack',
  'ListStacks',
  'DescribeStackResource',
  'DescribeStackResources',
  'ListStackResources',
  'GetTemplate',
  'GetTemplateSummary',
  'ValidateTemplate',
  'CreateChangeSet',
  'DescribeChangeSet',
  'ExecuteChangeSet',
  'DeleteChangeSet',
  'ListChangeSets',
  'UpdateTerminationProtection',
] as const;

/** What a CloudFormation action may touch. */
export interface CloudFormationContext {
  state: CloudState;
  caller: CallerIdentity;
  region: string;
  now: number;
  scenario: SandboxScenario;
  timing: SandboxTiming;
  /** The template behind a TemplateURL, when the sandbox serves it. */
  loadTemplate(url: string): CloudFormationTemplate | undefined;
}

/** Runs one CloudFormation action and returns its `<ActionResult>` content (undefined: none). */
export function runCloudFormationAction(
  action: string,
  params: QueryParams,
  context: CloudFormationContext,
): XmlValue {
  switch (action) {
    case 'CreateStack':
      return createStack(params, context);
    case 'DescribeStacks':
      return describeStacks(params, context);
    case 'DescribeStackEvents':
      return describeStackEvents(params, context);
    case 'DeleteStack':
      context.state.deleteStack(
        context.caller.accountId,
        context.region,
        requireParam(params, 'StackName'),
        context.now,
      );
      return undefined;
    case 'UpdateStack':
      return updateStack(params, context);
    case 'ListStacks':
      return listStacks(params, context);
    case 'DescribeStackResource':
      return describeStackResource(params, context);
    case 'DescribeStackResources':
      return describeStackResources(params, context);
    case 'ListStackResources':
      return listStackResources(params, context);
    case 'GetTemplate':
      return getTemplate(params, context);
    case 'GetTemplateSummary':
      return getTemplateSummary(params, context);
    case 'ValidateTemplate':
      return validateTemplate(params, context);
    case 'CreateChangeSet':
    case 'DescribeChangeSet':
    case 'ExecuteChangeSet':
    case 'DeleteChangeSet':
      return runChangeSetAction(action, params, context);
    case 'ListChangeSets':
      return listChangeSets(params, context);
    case 'UpdateTerminationProtection':
      return updateTerminationProtection(params, context);
    default:
      throw notImplemented('CloudFormation', action, CLOUDFORMATION_ACTIONS);
  }
}

/**
 * The resource IAM checks a CloudFormation call against: the stack's ARN pattern, or `*` for
 * listing every stack; undefined for actions the sandbox does not serve.
 */
export function cloudFormationResourceOf(
  action: string,
  params: QueryParams,
  region: string,
  accountId: string,
): string | undefined {
  if (!(CLOUDFORMATION_ACTIONS as readonly string[]).includes(action)) return undefined;
  const name = params.get('StackName');
  if (name === undefined) return '*';
  if (name.startsWith('arn:')) return name;
  return `arn:aws:cloudformation:${region}:${accountId}:stack/${name}/*`;
}

/**
 * The template of a request: TemplateBody (JSON or YAML), a TemplateURL the sandbox serves, or
 * the stack's own with UsePreviousTemplate.
 */
function templateOf(
  params: QueryParams,
  context: CloudFormationContext,
  previous?: Stack,
): { template: CloudFormationTemplate; templateBody: string } {
  const body = params.get('TemplateBody');
  const url = params.get('TemplateURL');
  const usePrevious = params.get('UsePreviousTemplate') === 'true';
  if ([body !== undefined, url !== undefined, usePrevious].filter(Boolean).length > 1) {
    throw new AwsError(
      'ValidationError',
      'Specify exactly one of TemplateBody, TemplateURL and UsePreviousTemplate.',
    );
  }
  if (usePrevious) {
    if (!previous) {
      throw new AwsError(
        'ValidationError',
        'UsePreviousTemplate can be used only to update a stack.',
      );
    }
    return { template: previous.template, templateBody: previous.templateBody };
  }
  if (body !== undefined) {
    checkParam('TemplateBody', body, { min: 1, max: MAX_TEMPLATE_BODY_LENGTH }, { echo: false });
    return { template: parseTemplate(body), templateBody: body };
  }
  if (url === undefined) {
    throw new AwsError(
      'ValidationError',
      'Either Template URL or Template Body must be specified.',
    );
  }
  // loadTemplate has parsed it. AWS fetches templates only from S3; the sandbox only from itself.
  const template = context.loadTemplate(url);
  if (!template) throw new AwsError('ValidationError', 'TemplateURL must be a supported URL.');
  return { template, templateBody: `${JSON.stringify(template, null, 2)}\n` };
}

/** The template, parameters and capabilities of CreateStack, UpdateStack or CreateChangeSet. */
export function stackRequestOf(
  params: QueryParams,
  context: CloudFormationContext,
  previous?: Stack,
): StackRequest {
  const parameters = readStructList(params, 'Parameters', [
    'ParameterKey',
    'ParameterValue',
    'UsePreviousValue',
  ]).map(
    (entry): ParameterInput => ({
      key: entry.ParameterKey ?? '',
      ...(entry.ParameterValue !== undefined && { value: entry.ParameterValue }),
      ...(entry.UsePreviousValue === 'true' && { usePreviousValue: true }),
    }),
  );
  return {
    ...templateOf(params, context, previous),
    parameters,
    capabilities: readList(params, 'Capabilities'),
  };
}

/** Tags of a request (`Tags.member.N.Key/Value`). */
export function tagsOf(params: QueryParams): Array<{ key: string; value: string }> {
  return readStructList(params, 'Tags', ['Key', 'Value']).map((tag) => ({
    key: tag.Key ?? '',
    value: tag.Value ?? '',
  }));
}

/** The stack a request names, settled to now; CloudFormation's ValidationError if there is none. */
export function requireStack(
  context: CloudFormationContext,
  nameOrId: string,
  message = `Stack with id ${nameOrId} does not exist`,
): Stack {
  context.state.settle(context.now);
  const stack = context.state.findStack(context.caller.accountId, context.region, nameOrId);
  if (!stack) throw new AwsError('ValidationError', message);
  return stack;
}

/** Who changes a stack, as the state records it. */
export function changeContextOf(context: CloudFormationContext) {
  return {
    createdBy: context.caller.arn,
    scenario: context.scenario,
    timing: context.timing,
    now: context.now,
  };
}

function createStack(params: QueryParams, context: CloudFormationContext): XmlValue {
  const stackName = requireParam(params, 'StackName');
  const request = stackRequestOf(params, context);
  const onFailure = onFailureOf(params);
  const stack = context.state.createStack({
    accountId: context.caller.accountId,
    region: context.region,
    stackName,
    ...request,
    onFailure,
    tags: tagsOf(params),
    terminationProtection: params.get('EnableTerminationProtection') === 'true',
    ...changeContextOf(context),
  });
  return { StackId: stack.stackId };
}

function updateStack(params: QueryParams, context: CloudFormationContext): XmlValue {
  const name = requireParam(params, 'StackName');
  const previous = requireStack(context, name, `Stack [${name}] does not exist`);
  const stack = context.state.updateStack(
    context.caller.accountId,
    context.region,
    name,
    stackRequestOf(params, context, previous),
    changeContextOf(context),
  );
  return { StackId: stack.stackId };
}

function updateTerminationProtection(
  params: QueryParams,
  context: CloudFormationContext,
): XmlValue {
  const enabled = requireParam(params, 'EnableTerminationProtection');
  const stack = requireStack(context, requireParam(params, 'StackName'));
  context.state.setTerminationProtection(stack, enabled === 'true');
  return { StackId: stack.stackId };
}

function getTemplate(params: QueryParams, context: CloudFormationContext): XmlValue {
  const changeSetName = params.get('ChangeSetName');
  const stackName = params.get('StackName');
  if (changeSetName !== undefined) {
    const found = context.state.findChangeSet(
      context.caller.accountId,
      context.region,
      changeSetName,
      stackName,
    );
    if (!found) {
      throw new AwsError('ChangeSetNotFound', `ChangeSet [${changeSetName}] does not exist`, 404);
    }
    return {
      TemplateBody: found.changeSet.definition.templateBody,
      StagesAvailable: ['Original', 'Processed'],
    };
  }
  if (stackName === undefined) {
    throw new AwsError('ValidationError', 'Either StackName or ChangeSetName must be specified.');
  }
  const stack = requireStack(context, stackName);
  return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
}

/** What GetTemplateSummary and ValidateTemplate say about a template's capabilities. */
function capabilitiesOf(template: CloudFormationTemplate) {
  const needed = requiredCapability(template);
  return {
    Capabilities: needed ? [needed] : [],
    CapabilitiesReason: needed
      ? `The following resource(s) require capabilities: [${iamResourceTypes(template).join(', ')}]`
      : undefined,
  };
}

function getTemplateSummary(params: QueryParams, context: CloudFormationContext): XmlValue {
  const stackName = params.get('StackName');
  const template =
    stackName !== undefined &&
    params.get('TemplateBody') === undefined &&
    params.get('TemplateURL') === undefined
      ? requireStack(context, stackName).template
      : templateOf(params, context).template;
  checkTemplateReferences(template);
  return {
    Parameters: Object.entries(template.Parameters ?? {}).map(([key, parameter]) => ({
      ParameterKey: key,
      DefaultValue: parameter.Default?.toString(),
      ParameterType: parameter.Type,
      NoEcho: parameter.NoEcho === true || parameter.NoEcho === 'true',
      Description: parameter.Description,
      ParameterConstraints: { AllowedValues: parameter.AllowedValues?.map(String) },
    })),
    Description: template.Description,
    ...capabilitiesOf(template),
    ResourceTypes: [...new Set(Object.values(template.Resources).map((resource) => resource.Type))],
    Version: template.AWSTemplateFormatVersion,
    Metadata: template.Metadata === undefined ? undefined : JSON.stringify(template.Metadata),
    DeclaredTransforms: [],
  };
}

function validateTemplate(params: QueryParams, context: CloudFormationContext): XmlValue {
  const { template } = templateOf(params, context);
  checkTemplateReferences(template);
  return {
    Parameters: Object.entries(template.Parameters ?? {}).map(([key, parameter]) => ({
      ParameterKey: key,
      DefaultValue: parameter.Default?.toString(),
      NoEcho: parameter.NoEcho === true || parameter.NoEcho === 'true',
      Description: parameter.Description,
    })),
    Description: template.Description,
    ...capabilitiesOf(template),
    DeclaredTransforms: [],
  };
}

function onFailureOf(params: QueryParams): OnFailure {
  const onFailure = params.get('OnFailure');
  const disableRollback = params.get('DisableRollback');
  if (onFailure !== undefined && disableRollback !== undefined) {
    throw new AwsError('ValidationError', 'You cannot specify both DisableRollback and OnFailure.');
  }
  if (disableRollback === 'true') return 'DO_NOTHING';
  if (onFailure === undefined) return 'ROLLBACK';
  if (onFailure === 'ROLLBACK' || onFailure === 'DO_NOTHING' || onFailure === 'DELETE')
    return onFailure;
  throw new AwsError(
    'ValidationError',
    `1 validation error detected: Value '${onFailure}' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]`,
  );
}

function describeStacks(params: QueryParams, context: CloudFormationContext): XmlValue {
  const { state, caller, region, now } = context;
  state.settle(now);
  const name = params.get('StackName');
  let stacks: Stack[];
  if (name === undefined) {
    stacks = state
      .stacks(caller.accountId, region)
      .filter((stack) => stack.status !== 'DELETE_COMPLETE');
  } else {
    const stack = state.findStack(caller.accountId, region, name);
    if (!stack) throw new AwsError('ValidationError', `Stack with id ${name} does not exist`);
    stacks = [stack];
  }
  return { Stacks: stacks.map(stackXml) };
}

/** A stack as DescribeStacks describes it. */
function stackXml(stack: Stack): XmlValue {
  return {
    StackId: stack.stackId,
    StackName: stack.name,
    Description: stack.description,
    Parameters: stack.parameters.map((parameter) => ({
      ParameterKey: parameter.key,
      ParameterValue: parameter.noEcho ? '****' : parameter.value,
    })),
    CreationTime: new Date(stack.createdAt),
    LastUpdatedTime: stack.lastUpdatedAt === undefined ? undefined : new Date(stack.lastUpdatedAt),
    DeletionTime: stack.deletedAt === undefined ? undefined : new Date(stack.deletedAt),
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: stack.onFailure === 'DO_NOTHING',
    NotificationARNs: [],
    Capabilities: stack.capabilities,
    Outputs:
      stack.outputs.length === 0
        ? undefined
        : stack.outputs.map((output) => ({
            OutputKey: output.key,
            OutputValue: output.value,
            Description: output.description,
            ExportName: output.exportName,
          })),
    Tags: stack.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
    EnableTerminationProtection: stack.terminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

function describeStackEvents(params: QueryParams, context: CloudFormationContext): XmlValue {
  const { state, caller, region, now } = context;
  const name = requireParam(params, 'StackName');
  state.settle(now);
  const stack = state.findStack(caller.accountId, region, name);
  if (!stack) throw new AwsError('ValidationError', `Stack [${name}] does not exist`);
  const newestFirst = [...stack.events].reverse();
  return {
    StackEvents: newestFirst.map((event) => ({
      StackId: event.stackId,
      EventId: event.eventId,
      StackName: event.stackName,
      LogicalResourceId: event.logicalResourceId,
      PhysicalResourceId: event.physicalResourceId,
      ResourceType: event.resourceType,
      Timestamp: new Date(event.timestamp),
      ResourceStatus: event.resourceStatus,
      ResourceStatusReason: event.resourceStatusReason,
    })),
  };
}
