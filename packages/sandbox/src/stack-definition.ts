/**
 * What a stack is made from (template, parameter values, capabilities), read from a request as
 * CloudFormation reads it, and what changes between two sets of resources.
 */
import { AwsError } from './query-protocol';
import {
  type CloudFormationTemplate,
  isNoEcho,
  type PlannedResource,
  requiredCapability,
  resolveParameters,
} from './template-evaluator';

/** What a stack is made from: its template and the values it was given. */
export interface StackDefinition {
  template: CloudFormationTemplate;
  /** The template as it was sent, for GetTemplate. */
  templateBody: string;
  parameters: Array<{ key: string; value: string; noEcho: boolean }>;
  capabilities: string[];
}

/** A parameter as a request gives it: a value, or the stack's previous value. */
export interface ParameterInput {
  key: string;
  value?: string;
  usePreviousValue?: boolean;
}

/** What a template asks for, as CreateStack, UpdateStack and CreateChangeSet send it. */
export interface StackRequest {
  template: CloudFormationTemplate;
  templateBody: string;
  parameters: readonly ParameterInput[];
  capabilities: readonly string[];
}

/** One resource change of a change set. */
export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  physicalId?: string;
  type: string;
  /** For Modify: whether the resource is replaced (its name or type changes). */
  replacement?: boolean;
}

/**
 * Resolves a request against the template (and the stack's previous values, for
 * UsePreviousValue) and checks its capabilities, as CloudFormation does before anything starts.
 */
export function defineStack(
  request: StackRequest,
  previous?: Pick<StackDefinition, 'parameters'>,
): StackDefinition {
  const { template } = request;
  const given: Array<{ key: string; value: string }> = [];
  for (const parameter of request.parameters) {
    if (parameter.usePreviousValue) {
      const old = previous?.parameters.find((entry) => entry.key === parameter.key);
      if (!old) {
        throw new AwsError(
          'ValidationError',
          `Invalid input for parameter key ${parameter.key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
      given.push({ key: parameter.key, value: old.value });
    } else {
      given.push({ key: parameter.key, value: parameter.value ?? '' });
    }
  }
  const values = resolveParameters(template, given);
  const needed = requiredCapability(template);
  const granted = new Set(request.capabilities);
  const satisfied =
    needed === undefined ||
    granted.has('CAPABILITY_NAMED_IAM') ||
    (needed === 'CAPABILITY_IAM' && granted.has('CAPABILITY_IAM'));
  if (!satisfied) {
    throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`);
  }
  return {
    template,
    templateBody: request.templateBody,
    parameters: [...values].map(([key, value]) => ({
      key,
      value,
      noEcho: isNoEcho(template, key),
    })),
    capabilities: [...granted],
  };
}

export function valuesOf(definition: StackDefinition): Map<string, string> {
  return new Map(definition.parameters.map((parameter) => [parameter.key, parameter.value]));
}

/** Whether an update would change nothing: same template, same parameter values. */
export function sameDefinition(
  current: Pick<StackDefinition, 'template' | 'parameters'>,
  definition: StackDefinition,
): boolean {
  const values = (parameters: StackDefinition['parameters']) =>
    JSON.stringify(parameters.map(({ key, value }) => [key, value]).sort());
  return (
    JSON.stringify(current.template) === JSON.stringify(definition.template) &&
    values(current.parameters) === values(definition.parameters)
  );
}

/** What moving from one set of resources to another adds, modifies (or replaces) and removes. */
export function diffResources(
  previous: readonly PlannedResource[],
  next: readonly PlannedResource[],
): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const resource of next) {
    const old = previous.find((candidate) => candidate.logicalId === resource.logicalId);
    if (!old) {
      changes.push({ action: 'Add', logicalId: resource.logicalId, type: resource.type });
    } else if (
      old.type !== resource.type ||
      JSON.stringify(old.properties) !== JSON.stringify(resource.properties)
    ) {
      changes.push({
        action: 'Modify',
        logicalId: resource.logicalId,
        physicalId: old.physicalId,
        type: resource.type,
        replacement: old.type !== resource.type || old.physicalId !== resource.physicalId,
      });
    }
  }
  for (const resource of previous) {
    if (!next.some((candidate) => candidate.logicalId === resource.logicalId)) {
      changes.push({
        action: 'Remove',
        logicalId: resource.logicalId,
        physicalId: resource.physicalId,
        type: resource.type,
      });
    }
  }
  return changes;
}
