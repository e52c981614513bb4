/** CloudFormation actions: CreateStack, DescribeStacks, DescribeStackEvents, DeleteStack. */
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
import { type CloudFormationTemplate, parseTemplate } from './template-evaluator';
import { MAX_TEMPLATE_BODY_LENGTH } from './template-format';

/** The XML namespace of CloudFormation responses. */
export const CLOUDFORMATION_XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/** The CloudFormation actions the sandbox serves. */
export const CLOUDFORMATION_ACTIONS = [
  'CreateStack',
  'DescribeStacks',
  'DescribeStackEvents',
  'DeleteStack',
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

/** Loads the template of a CreateStack request from TemplateBody or a TemplateURL the sandbox serves. */
function templateOf(
  body: string | undefined,
  url: string | undefined,
  loadTemplate: CloudFormationContext['loadTemplate'],
): CloudFormationTemplate {
  if (body !== undefined && url !== undefined) {
    throw new AwsError('ValidationError', 'Specify either TemplateBody or TemplateURL, not both.');
  }
  if (body !== undefined) {
    checkParam('TemplateBody', body, { min: 1, max: MAX_TEMPLATE_BODY_LENGTH }, { echo: false });
    return parseTemplate(body);
  }
  if (url === undefined) {
    throw new AwsError(
      'ValidationError',
      'Either Template URL or Template Body must be specified.',
    );
  }
  // loadTemplate has parsed it. AWS fetches templates only from S3; the sandbox only from itself.
  const template = loadTemplate(url);
  if (!template) throw new AwsError('ValidationError', 'TemplateURL must be a supported URL.');
  return template;
}

function createStack(params: QueryParams, context: CloudFormationContext): XmlValue {
  const stackName = requireParam(params, 'StackName');
  const template = templateOf(
    params.get('TemplateBody'),
    params.get('TemplateURL'),
    context.loadTemplate,
  );
  const parameters = readStructList(params, 'Parameters', ['ParameterKey', 'ParameterValue']).map(
    (entry) => ({
      key: entry.ParameterKey ?? '',
      value: entry.ParameterValue ?? '',
    }),
  );
  const onFailure = onFailureOf(params);
  const stack = context.state.createStack({
    accountId: context.caller.accountId,
    region: context.region,
    stackName,
    template,
    parameters,
    capabilities: readList(params, 'Capabilities'),
    onFailure,
    createdBy: context.caller.arn,
    scenario: context.scenario,
    timing: context.timing,
    now: context.now,
  });
  return { StackId: stack.stackId };
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
    Tags: [],
    EnableTerminationProtection: false,
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
