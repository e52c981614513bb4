/**
 * Evaluates a CloudFormation template the way CloudFormation does for the parts Porter's role
 * template uses: parameters and their constraints, pseudo parameters, conditions, the
 * intrinsic functions (Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::If, ...), resources in
 * dependency order with their physical ids and attributes, and outputs.
 */
import { randomId } from './identities';
import { AwsError } from './query-protocol';
import { checkDepth, parseTemplateBody } from './template-format';

/** A JSON-like template value. */
export type TemplateValue = unknown;

/** A CloudFormation template (JSON form). */
export interface CloudFormationTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, TemplateValue>;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, TemplateValue>>>;
  Conditions?: Record<string, TemplateValue>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
}

/** A template parameter declaration. */
export interface TemplateParameter {
  Type: string;
  Default?: string | number;
  Description?: string;
  AllowedValues?: Array<string | number>;
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  ConstraintDescription?: string;
  NoEcho?: boolean | string;
}

/** A template resource declaration. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, TemplateValue>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
}

/** A template output declaration. */
export interface TemplateOutput {
  Value: TemplateValue;
  Description?: string;
  Condition?: string;
  Export?: { Name: TemplateValue };
}

/** Where a stack is created: the values of the pseudo parameters. */
export interface StackScope {
  accountId: string;
  region: string;
  partition: string;
  stackName: string;
  stackId: string;
}

/** One resource as it will be created: resolved properties, physical id and attributes. */
export interface PlannedResource {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  physicalId: string;
  attributes: Record<string, string>;
}

/** An evaluated output. */
export interface PlannedOutput {
  key: string;
  value: string;
  description?: string;
  exportName?: string;
}

/** A stack's resources in creation order, and its outputs. */
export interface StackPlan {
  resources: PlannedResource[];
  outputs: PlannedOutput[];
}

/** The capabilities a template needs acknowledged, as CloudFormation names them. */
export type Capability = 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM';

function formatError(detail: string): AwsError {
  return new AwsError('ValidationError', `Template format error: ${detail}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member the template declares, never one inherited from Object.prototype (`constructor`). */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Reads a template (a JSON or YAML body, or a parsed value) and checks its top-level shape; the
 * message of a refusal is CloudFormation's.
 */
export function parseTemplate(input: unknown): CloudFormationTemplate {
  let value = input;
  if (typeof value === 'string') value = parseTemplateBody(value);
  else checkDepth(value);
  if (!isRecord(value)) throw formatError('JSON not well-formed.');
  if (!isRecord(value.Resources) || Object.keys(value.Resources).length === 0) {
    throw formatError('At least one Resources member must be defined.');
  }
  for (const [logicalId, resource] of Object.entries(value.Resources)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      throw formatError(
        `[/Resources/${logicalId}] Every Resources object must contain a Type member.`,
      );
    }
  }
  if (value.Parameters !== undefined) {
    if (!isRecord(value.Parameters))
      throw formatError('Every Parameters object must be an object.');
    for (const [name, parameter] of Object.entries(value.Parameters)) {
      if (!isRecord(parameter) || typeof parameter.Type !== 'string') {
        throw formatError(
          `[/Parameters/${name}] Every Parameters object must contain a Type member.`,
        );
      }
    }
  }
  return value as unknown as CloudFormationTemplate;
}

const IAM_NAME_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

const IAM_TYPES = new Set([
  ...Object.keys(IAM_NAME_PROPERTIES),
  'AWS::IAM::Policy',
  'AWS::IAM::AccessKey',
]);

/** The capability a template needs: named IAM resources need CAPABILITY_NAMED_IAM. */
export function requiredCapability(template: CloudFormationTemplate): Capability | undefined {
  let needed: Capability | undefined;
  for (const resource of Object.values(template.Resources)) {
    if (!IAM_TYPES.has(resource.Type)) continue;
    const nameProperty = IAM_NAME_PROPERTIES[resource.Type];
    if (nameProperty && resource.Properties?.[nameProperty] !== undefined)
      return 'CAPABILITY_NAMED_IAM';
    needed = 'CAPABILITY_IAM';
  }
  return needed;
}

/** The resource types that need a capability, for the "requires capabilities" notice. */
export function iamResourceTypes(template: CloudFormationTemplate): string[] {
  return [
    ...new Set(
      Object.values(template.Resources)
        .map((r) => r.Type)
        .filter((t) => IAM_TYPES.has(t)),
    ),
  ];
}

/**
 * Resolves the given parameter values against the template's declarations: unknown names,
 * missing values and broken constraints are refused with CloudFormation's ValidationError.
 */
export function resolveParameters(
  template: CloudFormationTemplate,
  given: ReadonlyArray<{ key: string; value: string }>,
): Map<string, string> {
  const declared = template.Parameters ?? {};
  const unknown = given
    .filter((entry) => !Object.hasOwn(declared, entry.key))
    .map((entry) => entry.key);
  if (unknown.length > 0) {
    throw new AwsError(
      'ValidationError',
      `Parameters: [${unknown.join(', ')}] do not exist in the template`,
    );
  }
  const values = new Map<string, string>();
  const missing: string[] = [];
  for (const [name, parameter] of Object.entries(declared)) {
    const value = given.find((entry) => entry.key === name)?.value ?? parameter.Default?.toString();
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    checkConstraints(name, parameter, value);
    values.set(name, value);
  }
  if (missing.length > 0) {
    throw new AwsError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
  }
  return values;
}

function checkConstraints(name: string, parameter: TemplateParameter, value: string): void {
  const refuse = (detail: string): never => {
    const message = parameter.ConstraintDescription
      ? `Parameter '${name}' failed to satisfy constraint: ${parameter.ConstraintDescription}`
      : `Parameter '${name}' ${detail}`;
    throw new AwsError('ValidationError', message);
  };
  if (parameter.AllowedValues && !parameter.AllowedValues.map(String).includes(value)) {
    refuse('must be one of AllowedValues');
  }
  if (parameter.Type === 'Number') {
    const number = Number(value);
    if (value.trim() === '' || Number.isNaN(number)) refuse('must be a number');
    if (parameter.MinValue !== undefined && number < parameter.MinValue) {
      refuse(`must be a number not less than ${parameter.MinValue}`);
    }
    if (parameter.MaxValue !== undefined && number > parameter.MaxValue) {
      refuse(`must be a number not greater than ${parameter.MaxValue}`);
    }
    return;
  }
  if (parameter.MinLength !== undefined && value.length < parameter.MinLength) {
    refuse(`must contain at least ${parameter.MinLength} characters`);
  }
  if (parameter.MaxLength !== undefined && value.length > parameter.MaxLength) {
    refuse(`must contain at most ${parameter.MaxLength} characters`);
  }
  if (parameter.AllowedPattern !== undefined) {
    let pattern: RegExp;
    try {
      // CloudFormation matches the pattern against the whole value.
      pattern = new RegExp(`^(?:${parameter.AllowedPattern})$`, 'u');
    } catch {
      throw formatError(`Parameter '${name}' has an invalid AllowedPattern.`);
    }
    if (!pattern.test(value)) refuse(`must match pattern ${parameter.AllowedPattern}`);
  }
}

/** Whether a parameter's value is hidden in DescribeStacks. */
export function isNoEcho(template: CloudFormationTemplate, name: string): boolean {
  const noEcho = template.Parameters?.[name]?.NoEcho;
  return noEcho === true || noEcho === 'true';
}

interface EvaluationScope {
  template: CloudFormationTemplate;
  scope: StackScope;
  parameters: ReadonlyMap<string, string>;
  conditions: Map<string, boolean>;
  /** Conditions being evaluated, outermost first: meeting one again is a cycle. */
  pendingConditions: string[];
  resources: Map<string, PlannedResource>;
  /** Evaluation steps and characters still allowed: intrinsic functions cannot blow up. */
  budget: { remaining: number };
}

/**
 * What evaluating one template may cost, in steps plus characters built by Fn::Sub and
 * Fn::Join: far above a real template, far below a request that stalls the sandbox (nested
 * Fn::Sub variables otherwise grow strings exponentially).
 */
const MAX_TEMPLATE_EXPANSION = 1_000_000;

function charge(context: EvaluationScope, cost: number): void {
  context.budget.remaining -= cost;
  if (context.budget.remaining < 0) {
    throw formatError(
      `Template error: the intrinsic functions expand beyond ${MAX_TEMPLATE_EXPANSION} characters and steps.`,
    );
  }
}

/** A value that removes the property it is assigned to (`Ref: AWS::NoValue`). */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Plans a stack: evaluates conditions, orders resources by their dependencies, resolves every
 * property and output. Physical ids of unnamed resources are generated as CloudFormation does
 * (`<stack>-<logicalId>-<random>`).
 */
export function planStack(
  template: CloudFormationTemplate,
  parameters: ReadonlyMap<string, string>,
  scope: StackScope,
  /** The stack's current resources, when updating: unnamed ones keep their physical ids. */
  previous?: ReadonlyMap<string, PlannedResource>,
): StackPlan {
  const context: EvaluationScope = {
    template,
    scope,
    parameters,
    conditions: new Map(),
    pendingConditions: [],
    resources: new Map(),
    budget: { remaining: MAX_TEMPLATE_EXPANSION },
  };
  for (const name of Object.keys(template.Conditions ?? {})) conditionValue(context, name);

  const resources: PlannedResource[] = [];
  for (const logicalId of creationOrder(template)) {
    const declaration = template.Resources[logicalId];
    if (!declaration) continue;
    if (declaration.Condition !== undefined && !conditionValue(context, declaration.Condition))
      continue;
    const evaluated = evaluate(context, declaration.Properties ?? {});
    const properties = isRecord(evaluated) ? evaluated : {};
    const planned = materialize(
      logicalId,
      declaration.Type,
      properties,
      scope,
      previous?.get(logicalId),
    );
    context.resources.set(logicalId, planned);
    resources.push(planned);
  }

  const outputs: PlannedOutput[] = [];
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !conditionValue(context, output.Condition)) continue;
    const value = evaluate(context, output.Value);
    const exportName = output.Export ? evaluate(context, output.Export.Name) : undefined;
    outputs.push({
      key,
      value: Array.isArray(value) ? value.join(',') : String(value),
      ...(output.Description !== undefined && { description: output.Description }),
      ...(typeof exportName === 'string' && { exportName }),
    });
  }
  return { resources, outputs };
}

function materialize(
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  scope: StackScope,
  previous: PlannedResource | undefined,
): PlannedResource {
  const planned = materializeNew(logicalId, type, properties, scope);
  if (previous?.type !== type) return planned;
  // An update keeps a resource's generated name, and the ids of one that keeps its name.
  const nameProperty = IAM_NAME_PROPERTIES[type];
  const named = nameProperty !== undefined && typeof properties[nameProperty] === 'string';
  if (!named || previous.physicalId === planned.physicalId) {
    return { ...planned, physicalId: previous.physicalId, attributes: previous.attributes };
  }
  return planned;
}

function materializeNew(
  logicalId: string,
  type: string,
  properties: Record<string, unknown>,
  scope: StackScope,
): PlannedResource {
  const generatedName = `${scope.stackName}-${logicalId}-${randomId(12)}`.slice(0, 64);
  const arnPrefix = `arn:${scope.partition}:iam::${scope.accountId}`;
  const path = typeof properties.Path === 'string' ? properties.Path : '/';
  switch (type) {
    case 'AWS::IAM::Role': {
      const name = typeof properties.RoleName === 'string' ? properties.RoleName : generatedName;
      return {
        logicalId,
        type,
        properties,
        physicalId: name,
        attributes: { Arn: `${arnPrefix}:role${path}${name}`, RoleId: `AROA${randomId(17)}` },
      };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const name =
        typeof properties.ManagedPolicyName === 'string'
          ? properties.ManagedPolicyName
          : generatedName;
      const arn = `${arnPrefix}:policy${path}${name}`;
      return { logicalId, type, properties, physicalId: arn, attributes: { PolicyArn: arn } };
    }
    default:
      return { logicalId, type, properties, physicalId: generatedName, attributes: {} };
  }
}

/**
 * What ValidateTemplate checks beyond the shape: every reference resolves and resources do not
 * depend on each other in a cycle.
 */
export function checkTemplateReferences(template: CloudFormationTemplate): void {
  creationOrder(template);
}

/** The resources of the template that this one refers to or declares a DependsOn on. */
export function resourceDependencies(
  template: CloudFormationTemplate,
  logicalId: string,
): string[] {
  const resource = template.Resources[logicalId];
  const found = new Set<string>();
  collectReferences(resource?.Properties, found);
  for (const dependsOn of [resource?.DependsOn ?? []].flat()) found.add(dependsOn);
  return [...found].filter((target) => Object.hasOwn(template.Resources, target));
}

/** Resources in an order where every resource comes after the ones it refers to. */
function creationOrder(template: CloudFormationTemplate): string[] {
  const names = Object.keys(template.Resources);
  const dependencies = new Map<string, Set<string>>();
  for (const name of names) {
    const resource = template.Resources[name];
    const found = new Set<string>();
    collectReferences(resource?.Properties, found);
    for (const dependsOn of [resource?.DependsOn ?? []].flat()) found.add(dependsOn);
    for (const target of found) {
      if (
        !Object.hasOwn(template.Resources, target) &&
        !Object.hasOwn(template.Parameters ?? {}, target) &&
        !target.startsWith('AWS::')
      ) {
        throw formatError(
          `Unresolved resource dependencies [${target}] in the Resources block of the template`,
        );
      }
    }
    dependencies.set(
      name,
      new Set([...found].filter((target) => Object.hasOwn(template.Resources, target))),
    );
  }
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw formatError(`Circular dependency between resources: [${trail.join(', ')}]`);
    }
    state.set(name, 'visiting');
    for (const dependency of dependencies.get(name) ?? [])
      visit(dependency, [...trail, dependency]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of names) visit(name, [name]);
  return ordered;
}

function collectReferences(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, found);
    return;
  }
  if (!isRecord(value)) return;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [fn] = keys;
    const argument = value[fn as string];
    if (fn === 'Ref' && typeof argument === 'string') found.add(argument);
    if (fn === 'Fn::GetAtt') {
      const target =
        typeof argument === 'string'
          ? argument.split('.')[0]
          : Array.isArray(argument)
            ? argument[0]
            : undefined;
      if (typeof target === 'string') found.add(target);
    }
    if (fn === 'Fn::Sub') {
      const text =
        typeof argument === 'string' ? argument : Array.isArray(argument) ? argument[0] : undefined;
      const variables = Array.isArray(argument) && isRecord(argument[1]) ? argument[1] : {};
      if (typeof text === 'string') {
        for (const name of substitutionNames(text)) {
          const target = name.split('.')[0] as string;
          if (!Object.hasOwn(variables, target)) found.add(target);
        }
      }
      if (Array.isArray(argument)) collectReferences(argument[1], found);
      return;
    }
  }
  for (const child of Object.values(value)) collectReferences(child, found);
}

function substitutionNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{([^}!][^}]*)\}/g)) names.push((match[1] as string).trim());
  return names;
}

function conditionValue(context: EvaluationScope, name: string): boolean {
  const known = context.conditions.get(name);
  if (known !== undefined) return known;
  const declaration = own(context.template.Conditions, name);
  if (declaration === undefined)
    throw formatError(
      `Unresolved dependencies [${name}]. Cannot reference resources in the Conditions block of the template`,
    );
  const pending = context.pendingConditions;
  if (pending.includes(name)) {
    const cycle = pending.slice(pending.indexOf(name));
    throw formatError(`Circular dependency between conditions: [${cycle.join(', ')}]`);
  }
  pending.push(name);
  const value = evaluate(context, declaration);
  pending.pop();
  if (typeof value !== 'boolean')
    throw formatError(`Condition ${name} must evaluate to a boolean.`);
  context.conditions.set(name, value);
  return value;
}

function evaluate(context: EvaluationScope, value: unknown): unknown {
  charge(context, 1);
  if (Array.isArray(value))
    return value.map((item) => evaluate(context, item)).filter((item) => item !== NO_VALUE);
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const fn = keys[0] as string;
    if (fn === 'Ref' || fn === 'Condition' || fn.startsWith('Fn::'))
      return intrinsic(context, fn, value[fn]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const evaluated = evaluate(context, child);
    if (evaluated !== NO_VALUE) out[key] = evaluated;
  }
  return out;
}

function intrinsic(context: EvaluationScope, fn: string, argument: unknown): unknown {
  switch (fn) {
    case 'Ref':
      if (typeof argument !== 'string')
        throw formatError('Every Ref object must have a single String value.');
      return reference(context, argument);
    case 'Condition':
      if (typeof argument !== 'string') throw formatError('Condition must name a condition.');
      return conditionValue(context, argument);
    case 'Fn::GetAtt': {
      const [target, attribute] =
        typeof argument === 'string'
          ? splitOnce(argument, '.')
          : Array.isArray(argument)
            ? argument
            : [];
      if (typeof target !== 'string' || typeof attribute !== 'string') {
        throw formatError(
          'Template error: every Fn::GetAtt object requires two non-empty parameters.',
        );
      }
      return attributeOf(context, target, attribute);
    }
    case 'Fn::Sub':
      return substitute(context, argument);
    case 'Fn::Join': {
      const [separator, items] = Array.isArray(argument) ? argument : [];
      const list = evaluate(context, items);
      if (typeof separator !== 'string' || !Array.isArray(list)) {
        throw formatError(
          'Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
        );
      }
      const joined = list.map(String).join(separator);
      charge(context, joined.length);
      return joined;
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = Array.isArray(argument) ? argument : [];
      if (typeof condition !== 'string')
        throw formatError(
          'Template error: Fn::If requires a list argument with the first element being a condition',
        );
      return evaluate(context, conditionValue(context, condition) ? whenTrue : whenFalse);
    }
    case 'Fn::Equals': {
      const [left, right] = Array.isArray(argument)
        ? argument.map((item) => evaluate(context, item))
        : [];
      return String(left) === String(right);
    }
    case 'Fn::Not': {
      const [inner] = Array.isArray(argument) ? argument : [];
      return !booleanOf(evaluate(context, inner));
    }
    case 'Fn::And':
      return (Array.isArray(argument) ? argument : []).every((item) =>
        booleanOf(evaluate(context, item)),
      );
    case 'Fn::Or':
      return (Array.isArray(argument) ? argument : []).some((item) =>
        booleanOf(evaluate(context, item)),
      );
    case 'Fn::FindInMap': {
      const [map, first, second] = Array.isArray(argument)
        ? argument.map((item) => evaluate(context, item))
        : [];
      const found = own(
        own(own(context.template.Mappings, String(map)), String(first)),
        String(second),
      );
      if (found === undefined)
        throw formatError(
          `Unable to get mapping for ${String(map)}::${String(first)}::${String(second)}`,
        );
      return found;
    }
    case 'Fn::Select': {
      const [index, list] = Array.isArray(argument)
        ? argument.map((item) => evaluate(context, item))
        : [];
      if (!Array.isArray(list) || list[Number(index)] === undefined)
        throw formatError('Template error: Fn::Select cannot select nonexistent value at index');
      return list[Number(index)];
    }
    case 'Fn::Split': {
      const [separator, text] = Array.isArray(argument)
        ? argument.map((item) => evaluate(context, item))
        : [];
      const parts = String(text).split(String(separator));
      charge(context, parts.length);
      return parts;
    }
    default:
      throw formatError(`Unrecognized function ${fn}`);
  }
}

function booleanOf(value: unknown): boolean {
  if (typeof value !== 'boolean') throw formatError('Conditions must evaluate to booleans.');
  return value;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function reference(context: EvaluationScope, name: string): unknown {
  const { scope } = context;
  switch (name) {
    case 'AWS::AccountId':
      return scope.accountId;
    case 'AWS::Region':
      return scope.region;
    case 'AWS::Partition':
      return scope.partition;
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::StackId':
      return scope.stackId;
    case 'AWS::URLSuffix':
      return scope.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::NotificationARNs':
      return [];
  }
  const parameter = context.parameters.get(name);
  if (parameter !== undefined) {
    const type = context.template.Parameters?.[name]?.Type ?? 'String';
    return type.startsWith('List<') || type === 'CommaDelimitedList'
      ? parameter.split(',')
      : parameter;
  }
  const resource = context.resources.get(name);
  if (resource) return resource.physicalId;
  throw formatError(
    `Unresolved resource dependencies [${name}] in the Resources block of the template`,
  );
}

function attributeOf(context: EvaluationScope, target: string, attribute: string): string {
  const resource = context.resources.get(target);
  if (!resource)
    throw formatError(
      `Template error: instance of Fn::GetAtt references undefined resource ${target}`,
    );
  const value = own(resource.attributes, attribute);
  if (value === undefined) {
    throw formatError(
      `Template error: resource ${target} does not support attribute type ${attribute} in Fn::GetAtt`,
    );
  }
  return value;
}

function substitute(context: EvaluationScope, argument: unknown): string {
  const [text, variables] =
    typeof argument === 'string' ? [argument, {}] : Array.isArray(argument) ? argument : [];
  if (typeof text !== 'string' || !isRecord(variables)) {
    throw formatError(
      "Template error: One or more Fn::Sub intrinsic functions don't specify expected arguments.",
    );
  }
  const result = text.replace(/\$\{(!?)([^}]*)\}/g, (_whole, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    const key = name.trim();
    if (Object.hasOwn(variables, key)) {
      const text = String(evaluate(context, variables[key]));
      charge(context, text.length);
      return text;
    }
    if (key.includes('.') && !key.startsWith('AWS::')) {
      const [target, attribute] = splitOnce(key, '.');
      return attributeOf(context, target, attribute);
    }
    const value = reference(context, key);
    const text = Array.isArray(value) ? value.join(',') : String(value);
    charge(context, text.length);
    return text;
  });
  charge(context, result.length);
  return result;
}
