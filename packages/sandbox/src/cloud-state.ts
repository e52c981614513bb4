/**
 * The simulated AWS: accounts, IAM roles and CloudFormation stacks. Stack progress is computed
 * from timestamps whenever the state is read (`settle`), so no timers run and a manual clock
 * makes every transition deterministic.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from './query-protocol';
import type { SandboxScenario, SandboxTiming } from './scenarios';
import {
  defineStack,
  diffResources,
  type ParameterInput,
  type ResourceChange,
  type StackDefinition,
  type StackRequest,
  sameDefinition,
  valuesOf,
} from './stack-definition';
import {
  type CloudFormationTemplate,
  type PlannedOutput,
  type PlannedResource,
  planStack,
  resourceDependencies,
  type StackPlan,
} from './template-evaluator';
import {
  asArray,
  awsPrincipalsOf,
  isObject,
  MalformedPolicyError,
  type PolicyDocument,
  parsePolicyDocument,
  wholeAccountOf,
} from './trust-policy';

/** The stack statuses the sandbox moves through. */
export type StackStatus =
  | 'REVIEW_IN_PROGRESS'
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE';

/** Every stack status the sandbox uses, for ListStacks' filter. */
export const STACK_STATUSES: readonly StackStatus[] = [
  'REVIEW_IN_PROGRESS',
  'CREATE_IN_PROGRESS',
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_COMPLETE',
];

/** A change set of a stack. */
export interface ChangeSet {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  description?: string;
  createdAt: number;
  status: 'CREATE_COMPLETE' | 'FAILED';
  statusReason?: string;
  executionStatus: 'AVAILABLE' | 'UNAVAILABLE' | 'EXECUTE_COMPLETE';
  definition: StackDefinition;
  changes: ResourceChange[];
}

/** Who changes a stack, under which scenario and timing. */
export interface StackChangeContext {
  /** The ARN of who asked: IAM names this principal when it refuses the stack's resources. */
  createdBy: string;
  scenario: SandboxScenario;
  timing: SandboxTiming;
  now: number;
}

/** One entry of a stack's event log, as DescribeStackEvents reports it. */
export interface StackEvent {
  eventId: string;
  stackId: string;
  stackName: string;
  logicalResourceId: string;
  physicalResourceId: string;
  resourceType: string;
  timestamp: number;
  resourceStatus: string;
  resourceStatusReason?: string;
}

/** What a stack does when its creation fails (CreateStack's OnFailure). */
export type OnFailure = 'ROLLBACK' | 'DO_NOTHING' | 'DELETE';

/** A custom resource's answer, as PUT to its ResponseURL. */
export interface CustomResourceAnswer {
  status: 'SUCCESS' | 'FAILED';
  reason?: string;
  physicalId?: string;
  /** When the answer arrived (sandbox clock). */
  at: number;
}

/** A request CloudFormation sent to a custom resource's ServiceToken, and what came of it. */
export interface CustomResourceCall {
  requestId: string;
  requestType: 'Create' | 'Delete';
  logicalId: string;
  /** What the Create was answered with, sent again with the Delete. */
  physicalId?: string;
  sentAt: number;
  /** ServiceTimeout: with no answer by `sentAt + timeoutMs` the resource fails. */
  timeoutMs: number;
  answer?: CustomResourceAnswer;
  /** When the stack acted on the answer (or on the timeout). */
  settledAt?: number;
}

/** Where custom resource requests go: the sandbox's SNS topics. */
export interface CustomResourceEndpoint {
  /** Whether requests to this ServiceToken are delivered (other custom resources are created at once). */
  handles(serviceToken: unknown): boolean;
  /** Delivers a request (later: this runs inside `settle`); the answer comes back through `answerCustomResource`. */
  send(stack: Stack, resource: PlannedResource, call: CustomResourceCall): void;
}

/** A stack and everything the sandbox remembers about it. */
export interface Stack {
  stackId: string;
  name: string;
  accountId: string;
  region: string;
  description?: string;
  status: StackStatus;
  statusReason?: string;
  createdAt: number;
  /** When the status last changed (the start of the current phase). */
  changedAt: number;
  deleteRequestedAt?: number;
  deletedAt?: number;
  parameters: Array<{ key: string; value: string; noEcho: boolean }>;
  capabilities: string[];
  onFailure: OnFailure;
  resources: PlannedResource[];
  plannedOutputs: PlannedOutput[];
  /** Set once the stack is CREATE_COMPLETE. */
  outputs: PlannedOutput[];
  events: StackEvent[];
  /** The ARN of the principal that created (or last updated) the stack. */
  createdBy: string;
  /** The scenario and timing in force when the stack was created or last updated. */
  scenario: SandboxScenario;
  timing: SandboxTiming;
  template: CloudFormationTemplate;
  templateBody: string;
  tags: Array<{ key: string; value: string }>;
  terminationProtection: boolean;
  lastUpdatedAt?: number;
  changeSets: ChangeSet[];
  /** The definition and plan an update in progress moves the stack to. */
  pending?: StackDefinition & { plan: StackPlan };
  /** Requests sent to custom resources whose ServiceToken the sandbox delivers to. */
  customCalls: CustomResourceCall[];
  /** When the stack's other resources were created (a stack with delivered custom resources). */
  resourcesDoneAt?: number;
  /** When the stack's other resources started, once the delivered ones they wait for exist. */
  resourcesStartedAt?: number;
}

/** An IAM role that exists in an account. */
export interface Role {
  arn: string;
  name: string;
  roleId: string;
  accountId: string;
  trustPolicy: PolicyDocument;
  /** Inline policies, and policies of the same stack attached to it. */
  permissionPolicies: PolicyDocument[];
  maxSessionDuration: number;
  createdAt: number;
  /** IAM propagation: before this time, AssumeRole is refused as if the role did not exist. */
  assumableAt: number;
  stackId: string;
}

/** What CreateStack needs once the template is loaded. */
export interface CreateStackInput extends StackChangeContext {
  accountId: string;
  region: string;
  stackName: string;
  template: CloudFormationTemplate;
  /** The template as sent. @default the template as JSON */
  templateBody?: string;
  parameters: readonly ParameterInput[];
  capabilities: readonly string[];
  onFailure?: OnFailure;
  tags?: Array<{ key: string; value: string }>;
  terminationProtection?: boolean;
}

/** What CreateChangeSet needs. */
export interface CreateChangeSetInput extends StackChangeContext {
  accountId: string;
  region: string;
  stackName: string;
  changeSetName: string;
  type: 'CREATE' | 'UPDATE';
  description?: string;
  request: StackRequest;
  tags?: Array<{ key: string; value: string }>;
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const MAX_ROLE_NAME_LENGTH = 64;
const PARTITION = 'aws';
// CloudFormation's default ServiceTimeout: one hour.
const DEFAULT_SERVICE_TIMEOUT_MS = 3_600_000;

type Step = { at: number; run: (at: number) => void };

/** The accounts, roles and stacks of one sandbox. */
export class CloudState {
  readonly partition = PARTITION;
  readonly #stacks: Stack[] = [];
  readonly #roles = new Map<string, Role>();
  /** Customer managed policies the stacks created, by ARN. */
  readonly #managedPolicies = new Map<string, { document: PolicyDocument; stackId: string }>();
  readonly #principals = new Set<string>();
  readonly #endpoint: CustomResourceEndpoint | undefined;

  /** `endpoint` delivers custom resource requests; without it every custom resource is created at once. */
  constructor(endpoint?: CustomResourceEndpoint) {
    this.#endpoint = endpoint;
  }

  /**
   * Records the answer to a custom resource request (the PUT to its ResponseURL). False when no
   * request has this id or it was already answered or timed out.
   */
  answerCustomResource(requestId: string, answer: CustomResourceAnswer): boolean {
    for (const stack of this.#stacks) {
      const call = stack.customCalls.find((candidate) => candidate.requestId === requestId);
      if (!call) continue;
      if (call.answer || call.settledAt !== undefined) return false;
      call.answer = answer;
      return true;
    }
    return false;
  }

  /** Whether a stack waits for a custom resource's answer (the sandbox then keeps settling). */
  waitsForCustomResources(): boolean {
    return this.#stacks.some(
      (stack) =>
        (stack.status === 'CREATE_IN_PROGRESS' ||
          stack.status === 'ROLLBACK_IN_PROGRESS' ||
          stack.status === 'DELETE_IN_PROGRESS') &&
        this.#delivered(stack).length > 0,
    );
  }

  /** Declares an IAM user (or other principal) that trust policies may name. */
  addPrincipal(arn: string): void {
    this.#principals.add(arn);
  }

  /** Advances every stack to where it is at `now`. */
  settle(now: number): void {
    for (const stack of this.#stacks) this.#settleStack(stack, now);
  }

  /** The role with this ARN, if it exists and IAM has propagated it by `now`. */
  assumableRole(arn: string, now: number): Role | undefined {
    const role = this.#roles.get(arn);
    return role && now >= role.assumableAt ? role : undefined;
  }

  /** The document of a customer managed policy a stack created, if it exists. */
  managedPolicy(arn: string): PolicyDocument | undefined {
    return this.#managedPolicies.get(arn)?.document;
  }

  /** The role with this ARN, propagated or not. */
  role(arn: string): Role | undefined {
    return this.#roles.get(arn);
  }

  /** The stacks of an account and region, newest first, deleted ones included. */
  stacks(accountId: string, region: string): Stack[] {
    return this.#stacks
      .filter((stack) => stack.accountId === accountId && stack.region === region)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Finds a stack by name (live stacks only) or by stack id (deleted ones too), as AWS does. */
  findStack(accountId: string, region: string, nameOrId: string): Stack | undefined {
    const candidates = this.stacks(accountId, region);
    if (nameOrId.startsWith('arn:')) return candidates.find((stack) => stack.stackId === nameOrId);
    return candidates.find(
      (stack) => stack.name === nameOrId && stack.status !== 'DELETE_COMPLETE',
    );
  }

  /** CreateStack: validates synchronously (as AWS does) and starts CREATE_IN_PROGRESS. */
  createStack(input: CreateStackInput): Stack {
    const { accountId, region, stackName, now } = input;
    checkStackName(stackName);
    this.settle(now);
    if (this.findStack(accountId, region, stackName)) {
      throw new AwsError('AlreadyExistsException', `Stack [${stackName}] already exists`);
    }
    const definition = defineStack({
      template: input.template,
      templateBody: input.templateBody ?? JSON.stringify(input.template, null, 2),
      parameters: input.parameters,
      capabilities: input.capabilities,
    });
    const stack = this.#newStack(input, definition);
    if (input.onFailure !== undefined) stack.onFailure = input.onFailure;
    if (input.terminationProtection) stack.terminationProtection = true;
    this.#startCreate(stack, definition, input, now);
    this.#stacks.push(stack);
    return stack;
  }

  /**
   * UpdateStack: validates synchronously, refuses "No updates are to be performed." and stacks
   * in a state that cannot be updated, and starts UPDATE_IN_PROGRESS.
   */
  updateStack(
    accountId: string,
    region: string,
    nameOrId: string,
    request: StackRequest,
    context: StackChangeContext,
  ): Stack {
    const stack = this.#updatableStack(accountId, region, nameOrId, context.now);
    const definition = defineStack(request, stack);
    if (sameDefinition(stack, definition)) {
      throw new AwsError('ValidationError', 'No updates are to be performed.');
    }
    this.#startUpdate(stack, definition, context);
    return stack;
  }

  /**
   * CreateChangeSet: a CREATE change set makes a REVIEW_IN_PROGRESS stack; the changes are
   * computed at once, so the change set is CREATE_COMPLETE (or FAILED) when the call returns.
   */
  createChangeSet(input: CreateChangeSetInput): { stack: Stack; changeSet: ChangeSet } {
    const { accountId, region, stackName, now } = input;
    checkStackName(stackName);
    if (!STACK_NAME.test(input.changeSetName) || input.changeSetName.length > 128) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${input.changeSetName}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    this.settle(now);
    let stack = this.findStack(accountId, region, stackName);
    if (input.type === 'CREATE') {
      if (stack && stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new AwsError(
          'AlreadyExistsException',
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${input.changeSetName}].`,
        );
      }
    } else if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
      throw new AwsError('ValidationError', `Stack [${stackName}] does not exist`);
    } else {
      this.#updatableStack(accountId, region, stack.stackId, now);
    }
    const previous = input.type === 'UPDATE' ? stack : undefined;
    const definition = defineStack(input.request, previous);
    if (stack?.changeSets.some((changeSet) => changeSet.name === input.changeSetName)) {
      throw new AwsError(
        'AlreadyExistsException',
        `ChangeSet [${input.changeSetName}] already exists`,
      );
    }
    if (!stack) {
      stack = this.#newStack(input, definition);
      stack.status = 'REVIEW_IN_PROGRESS';
      stack.statusReason = 'User Initiated';
      this.#stackEvent(stack, now, 'REVIEW_IN_PROGRESS', 'User Initiated');
      this.#stacks.push(stack);
    }
    const plan = planStack(
      definition.template,
      valuesOf(definition),
      scopeOf(stack),
      previous && resourceMap(previous),
    );
    const changes = previous
      ? diffResources(previous.resources, plan.resources)
      : plan.resources.map(
          (resource): ResourceChange => ({
            action: 'Add',
            logicalId: resource.logicalId,
            type: resource.type,
          }),
        );
    const unchanged = previous !== undefined && sameDefinition(previous, definition);
    const changeSet: ChangeSet = {
      id: `arn:${PARTITION}:cloudformation:${region}:${accountId}:changeSet/${input.changeSetName}/${randomUUID()}`,
      name: input.changeSetName,
      type: input.type,
      ...(input.description !== undefined && { description: input.description }),
      createdAt: now,
      status: unchanged ? 'FAILED' : 'CREATE_COMPLETE',
      ...(unchanged && {
        statusReason:
          "The submitted information didn't contain changes. Submit different information to create a change set.",
      }),
      executionStatus: unchanged ? 'UNAVAILABLE' : 'AVAILABLE',
      definition,
      changes,
    };
    stack.changeSets.push(changeSet);
    return { stack, changeSet };
  }

  /** Finds a change set by ARN, or by name within a stack. */
  findChangeSet(
    accountId: string,
    region: string,
    changeSetNameOrId: string,
    stackNameOrId: string | undefined,
  ): { stack: Stack; changeSet: ChangeSet } | undefined {
    const stacks = changeSetNameOrId.startsWith('arn:')
      ? this.stacks(accountId, region)
      : stackNameOrId === undefined
        ? []
        : [this.findStack(accountId, region, stackNameOrId)].filter((stack) => stack !== undefined);
    for (const stack of stacks) {
      const changeSet = stack.changeSets.find(
        (candidate) => candidate.id === changeSetNameOrId || candidate.name === changeSetNameOrId,
      );
      if (changeSet) return { stack, changeSet };
    }
    return undefined;
  }

  /** ExecuteChangeSet: creates or updates the stack as the change set says; the others go. */
  executeChangeSet(
    stack: Stack,
    changeSet: ChangeSet,
    context: StackChangeContext & { disableRollback?: boolean },
  ): void {
    this.settle(context.now);
    if (changeSet.executionStatus !== 'AVAILABLE') {
      throw new AwsError(
        'InvalidChangeSetStatus',
        `ChangeSet [${changeSet.id}] cannot be executed in its current status of [${changeSet.status}]`,
      );
    }
    if (changeSet.type === 'CREATE') {
      if (stack.status !== 'REVIEW_IN_PROGRESS') {
        throw new AwsError(
          'InvalidChangeSetStatus',
          `ChangeSet [${changeSet.id}] cannot be executed: stack ${stack.name} is ${stack.status}.`,
        );
      }
      if (context.disableRollback) stack.onFailure = 'DO_NOTHING';
      this.#startCreate(stack, changeSet.definition, context, context.now);
    } else {
      this.#updatableStack(stack.accountId, stack.region, stack.stackId, context.now);
      this.#startUpdate(stack, changeSet.definition, context);
    }
    changeSet.executionStatus = 'EXECUTE_COMPLETE';
    stack.changeSets = [changeSet];
  }

  /** DeleteChangeSet. */
  deleteChangeSet(stack: Stack, changeSet: ChangeSet): void {
    stack.changeSets = stack.changeSets.filter((candidate) => candidate !== changeSet);
  }

  /** UpdateTerminationProtection. */
  setTerminationProtection(stack: Stack, enabled: boolean): void {
    stack.terminationProtection = enabled;
  }

  /**
   * DeleteStack: a missing or already deleting stack is no error, as on AWS; a stack with
   * termination protection is refused.
   */
  deleteStack(accountId: string, region: string, nameOrId: string, now: number): void {
    this.settle(now);
    const stack = this.findStack(accountId, region, nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.deleteRequestedAt !== undefined)
      return;
    if (stack.terminationProtection) {
      throw new AwsError(
        'ValidationError',
        `Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`,
      );
    }
    stack.deleteRequestedAt = now;
    this.#settleStack(stack, now);
  }

  #newStack(
    input: StackChangeContext & {
      accountId: string;
      region: string;
      stackName: string;
      tags?: Array<{ key: string; value: string }>;
    },
    definition: StackDefinition,
  ): Stack {
    const { accountId, region, stackName, now } = input;
    return {
      stackId: `arn:${PARTITION}:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`,
      name: stackName,
      accountId,
      region,
      ...(definition.template.Description !== undefined && {
        description: definition.template.Description,
      }),
      status: 'CREATE_IN_PROGRESS',
      createdAt: now,
      changedAt: now,
      parameters: definition.parameters,
      capabilities: definition.capabilities,
      onFailure: 'ROLLBACK',
      resources: [],
      plannedOutputs: [],
      outputs: [],
      events: [],
      createdBy: input.createdBy,
      scenario: input.scenario,
      timing: input.timing,
      template: definition.template,
      templateBody: definition.templateBody,
      tags: input.tags ?? [],
      terminationProtection: false,
      changeSets: [],
      customCalls: [],
    };
  }

  #startCreate(
    stack: Stack,
    definition: StackDefinition,
    context: StackChangeContext,
    now: number,
  ): void {
    const plan = planStack(definition.template, valuesOf(definition), scopeOf(stack));
    Object.assign(stack, {
      template: definition.template,
      templateBody: definition.templateBody,
      parameters: definition.parameters,
      capabilities: definition.capabilities,
      resources: plan.resources,
      plannedOutputs: plan.outputs,
      createdBy: context.createdBy,
      scenario: context.scenario,
      timing: context.timing,
    });
    if (definition.template.Description !== undefined)
      stack.description = definition.template.Description;
    this.#setStatus(stack, now, 'CREATE_IN_PROGRESS', 'User Initiated');
    // A resource that waits for a delivered custom resource (or one that needs the others)
    // starts, and says so, only once what it depends on exists.
    const delivered = this.#delivered(stack);
    for (const resource of stack.resources) {
      if (dependenciesAcross(stack, delivered, resource).length === 0) {
        this.#startResource(stack, resource, now);
      }
    }
  }

  #startResource(stack: Stack, resource: PlannedResource, at: number): void {
    this.#resourceEvent(stack, resource, at, 'CREATE_IN_PROGRESS', undefined, '');
    this.#resourceEvent(stack, resource, at, 'CREATE_IN_PROGRESS', 'Resource creation Initiated');
  }

  #updatableStack(accountId: string, region: string, nameOrId: string, now: number): Stack {
    this.settle(now);
    const stack = this.findStack(accountId, region, nameOrId);
    if (!stack || stack.status === 'REVIEW_IN_PROGRESS') {
      throw new AwsError('ValidationError', `Stack [${nameOrId}] does not exist`);
    }
    const updatable =
      stack.status === 'CREATE_COMPLETE' ||
      stack.status === 'UPDATE_COMPLETE' ||
      stack.status === 'UPDATE_ROLLBACK_COMPLETE';
    if (!updatable || stack.deleteRequestedAt !== undefined) {
      throw new AwsError(
        'ValidationError',
        `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
      );
    }
    return stack;
  }

  #startUpdate(stack: Stack, definition: StackDefinition, context: StackChangeContext): void {
    const plan = planStack(
      definition.template,
      valuesOf(definition),
      scopeOf(stack),
      resourceMap(stack),
    );
    stack.pending = { ...definition, plan };
    stack.createdBy = context.createdBy;
    stack.scenario = context.scenario;
    stack.timing = context.timing;
    this.#setStatus(stack, context.now, 'UPDATE_IN_PROGRESS', 'User Initiated');
  }

  #settleStack(stack: Stack, now: number): void {
    for (;;) {
      const step = this.#nextStep(stack);
      if (!step || step.at > now) return;
      step.run(step.at);
    }
  }

  #nextStep(stack: Stack): { at: number; run: (at: number) => void } | undefined {
    const { timing } = stack;
    const deleteAt =
      stack.deleteRequestedAt === undefined
        ? undefined
        : Math.max(stack.deleteRequestedAt, stack.changedAt);
    switch (stack.status) {
      case 'CREATE_IN_PROGRESS': {
        const delivered = this.#delivered(stack);
        const next =
          delivered.length === 0
            ? {
                at: stack.changedAt + timing.stackCreateMs,
                run: (at: number) => this.#finishCreate(stack, at),
              }
            : this.#nextCreateStep(stack, delivered);
        if (deleteAt !== undefined && (next === undefined || deleteAt < next.at))
          return { at: deleteAt, run: (at) => this.#beginDelete(stack, at) };
        return next;
      }
      case 'ROLLBACK_IN_PROGRESS':
        return this.#afterDeletes(stack, stack.changedAt + timing.stackDeleteMs, (at) =>
          this.#finishRollback(stack, at),
        );
      case 'UPDATE_IN_PROGRESS':
        return {
          at: stack.changedAt + timing.stackCreateMs,
          run: (at) => this.#finishUpdate(stack, at),
        };
      case 'UPDATE_ROLLBACK_IN_PROGRESS':
        return {
          at: stack.changedAt + timing.stackDeleteMs,
          run: (at) => this.#finishUpdateRollback(stack, at),
        };
      // Moments within an update: the update finishes them in the same step.
      case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
        return undefined;
      case 'DELETE_IN_PROGRESS':
        return this.#afterDeletes(stack, stack.changedAt + timing.stackDeleteMs, (at) =>
          this.#finishDelete(stack, at),
        );
      case 'REVIEW_IN_PROGRESS':
      case 'CREATE_COMPLETE':
      case 'CREATE_FAILED':
      case 'ROLLBACK_COMPLETE':
      case 'UPDATE_COMPLETE':
      case 'UPDATE_ROLLBACK_COMPLETE':
        return deleteAt === undefined
          ? undefined
          : { at: deleteAt, run: (at) => this.#beginDelete(stack, at) };
      case 'DELETE_COMPLETE':
        return undefined;
    }
  }

  #finishCreate(stack: Stack, at: number): void {
    const failure = this.#creationFailure(stack);
    if (failure) {
      this.#failCreate(stack, failure, at);
      return;
    }
    this.#provision(stack, stack.resources, at);
    for (const resource of stack.resources)
      this.#resourceEvent(stack, resource, at, 'CREATE_COMPLETE');
    stack.outputs = stack.plannedOutputs;
    this.#setStatus(stack, at, 'CREATE_COMPLETE');
  }

  #failCreate(stack: Stack, failure: { logicalId: string; reason: string }, at: number): void {
    const failed = stack.resources.find((resource) => resource.logicalId === failure.logicalId);
    if (failed) this.#resourceEvent(stack, failed, at, 'CREATE_FAILED', failure.reason);
    const reason = `The following resource(s) failed to create: [${failure.logicalId}]. ${
      stack.onFailure === 'DO_NOTHING' ? '' : 'Rollback requested by user.'
    }`.trim();
    if (stack.onFailure === 'DO_NOTHING') {
      this.#setStatus(stack, at, 'CREATE_FAILED', reason);
      return;
    }
    this.#setStatus(stack, at, 'ROLLBACK_IN_PROGRESS', reason);
    this.#sendDeletes(stack, at);
  }

  /** The custom resources whose requests the endpoint delivers. */
  #delivered(stack: Stack): PlannedResource[] {
    const endpoint = this.#endpoint;
    if (!endpoint) return [];
    return stack.resources.filter(
      (resource) =>
        (resource.type.startsWith('Custom::') ||
          resource.type === 'AWS::CloudFormation::CustomResource') &&
        endpoint.handles(resource.properties.ServiceToken),
    );
  }

  /**
   * Creation with delivered custom resources, in dependency order: a custom resource that needs
   * none of the other resources is requested at once, one that needs them once they exist; the
   * other resources start once every delivered one they depend on was created (the role's
   * DependsOn on the stack-started resource: unanswered, the role is never made) and take
   * `stackCreateMs`. The stack is complete when every request was answered SUCCESS.
   */
  #nextCreateStep(stack: Stack, delivered: PlannedResource[]): Step | undefined {
    const steps: Step[] = [];
    const plainDone = stack.resourcesDoneAt;
    let created = plainDone !== undefined;
    let lastAt = plainDone ?? stack.changedAt;
    for (const resource of delivered) {
      const call = this.#callOf(stack, resource.logicalId, 'Create');
      if (call?.settledAt !== undefined) {
        lastAt = Math.max(lastAt, call.settledAt);
        continue;
      }
      created = false;
      if (!call) {
        const needsOthers = dependenciesAcross(stack, delivered, resource).length > 0;
        const sendAt = needsOthers ? plainDone : stack.changedAt;
        const send = (at: number) => {
          if (needsOthers) this.#startResource(stack, resource, at);
          this.#sendCall(stack, resource, 'Create', at);
        };
        if (sendAt !== undefined) steps.push({ at: sendAt, run: send });
        continue;
      }
      steps.push({
        at: call.answer?.at ?? call.sentAt + call.timeoutMs,
        run: (at) => this.#settleCreateCall(stack, resource, call, at),
      });
    }
    // After the requests: at the same moment, a request goes out before the others fail.
    const othersStartAt =
      plainDone === undefined ? this.#othersStartAt(stack, delivered) : undefined;
    if (othersStartAt !== undefined && stack.resourcesStartedAt === undefined) {
      steps.push({
        at: othersStartAt,
        run: (at) => this.#startOtherResources(stack, delivered, at),
      });
    } else if (othersStartAt !== undefined) {
      steps.push({
        at: othersStartAt + stack.timing.stackCreateMs,
        run: (at) => this.#finishOtherResources(stack, delivered, at),
      });
    }
    if (created) steps.push({ at: lastAt, run: (at) => this.#finishDeliveredCreate(stack, at) });
    return earliest(steps);
  }

  /**
   * When the resources other than delivered custom ones start: once the delivered ones they
   * depend on were created, or at the stack's start; undefined while one is still open.
   */
  #othersStartAt(stack: Stack, delivered: PlannedResource[]): number | undefined {
    let startAt = stack.changedAt;
    for (const resource of stack.resources) {
      if (delivered.includes(resource)) continue;
      for (const id of dependenciesAcross(stack, delivered, resource)) {
        const settledAt = this.#callOf(stack, id, 'Create')?.settledAt;
        if (settledAt === undefined) return undefined;
        startAt = Math.max(startAt, settledAt);
      }
    }
    return startAt;
  }

  /** The resources other than delivered custom ones that waited for one start now. */
  #startOtherResources(stack: Stack, delivered: PlannedResource[], at: number): void {
    stack.resourcesStartedAt = at;
    for (const resource of stack.resources) {
      if (delivered.includes(resource)) continue;
      if (dependenciesAcross(stack, delivered, resource).length > 0) {
        this.#startResource(stack, resource, at);
      }
    }
  }

  /** The resources other than delivered custom ones exist (or fail) together. */
  #finishOtherResources(stack: Stack, delivered: PlannedResource[], at: number): void {
    const others = stack.resources.filter((resource) => !delivered.includes(resource));
    const failure = this.#creationFailure(stack, others);
    if (failure) {
      this.#failCreate(stack, failure, at);
      return;
    }
    this.#provision(stack, others, at);
    for (const resource of others) this.#resourceEvent(stack, resource, at, 'CREATE_COMPLETE');
    stack.resourcesDoneAt = at;
  }

  #settleCreateCall(
    stack: Stack,
    resource: PlannedResource,
    call: CustomResourceCall,
    at: number,
  ): void {
    call.settledAt = at;
    if (call.answer?.status === 'SUCCESS') {
      call.physicalId = call.answer.physicalId ?? resource.physicalId;
      this.#resourceEvent(stack, resource, at, 'CREATE_COMPLETE', undefined, call.physicalId);
      return;
    }
    const reason = call.answer
      ? `Received response status [FAILED] from custom resource. Message returned: ${call.answer.reason ?? 'See the details in CloudWatch Log Stream'}`
      : `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${call.requestId}].`;
    this.#failCreate(stack, { logicalId: resource.logicalId, reason }, at);
  }

  #finishDeliveredCreate(stack: Stack, at: number): void {
    stack.outputs = stack.plannedOutputs;
    this.#setStatus(stack, at, 'CREATE_COMPLETE');
  }

  /** Sends Delete to every delivered custom resource that was created (rollback, DeleteStack). */
  #sendDeletes(stack: Stack, at: number): void {
    for (const create of stack.customCalls) {
      if (create.requestType !== 'Create' || create.answer?.status !== 'SUCCESS') continue;
      if (create.settledAt === undefined || this.#callOf(stack, create.logicalId, 'Delete'))
        continue;
      const resource = stack.resources.find(
        (candidate) => candidate.logicalId === create.logicalId,
      );
      if (resource) this.#sendCall(stack, resource, 'Delete', at, create.physicalId);
    }
  }

  /**
   * The phase ends at `baseAt`, or once every request sent was answered or timed out: a Create
   * still open when the rollback began is waited for, and deleted if it succeeded.
   */
  #afterDeletes(stack: Stack, baseAt: number, finish: (at: number) => void): Step {
    const deletes = stack.customCalls.filter((call) => call.requestType === 'Delete');
    const open = stack.customCalls.filter((call) => call.settledAt === undefined);
    if (open.length > 0) {
      const steps = open.map(
        (call): Step => ({
          at: call.answer?.at ?? call.sentAt + call.timeoutMs,
          run: (at) =>
            call.requestType === 'Delete'
              ? this.#settleDeleteCall(stack, call, at)
              : this.#settleLateCreate(stack, call, at),
        }),
      );
      return earliest(steps) as Step;
    }
    const lastAt = Math.max(baseAt, ...deletes.map((call) => call.settledAt ?? 0));
    return { at: lastAt, run: finish };
  }

  #settleLateCreate(stack: Stack, call: CustomResourceCall, at: number): void {
    call.settledAt = at;
    const resource = stack.resources.find((candidate) => candidate.logicalId === call.logicalId);
    if (!resource) return;
    if (call.answer?.status !== 'SUCCESS') {
      this.#resourceEvent(stack, resource, at, 'CREATE_FAILED', 'Resource creation cancelled');
      return;
    }
    call.physicalId = call.answer.physicalId ?? resource.physicalId;
    this.#resourceEvent(stack, resource, at, 'CREATE_COMPLETE', undefined, call.physicalId);
    this.#sendCall(stack, resource, 'Delete', at, call.physicalId);
  }

  // CloudFormation would leave the stack DELETE_FAILED / ROLLBACK_FAILED; the sandbox records
  // DELETE_FAILED on the resource and goes on, so a test's stack always ends.
  #settleDeleteCall(stack: Stack, call: CustomResourceCall, at: number): void {
    call.settledAt = at;
    if (call.answer?.status === 'SUCCESS') return;
    const resource = stack.resources.find((candidate) => candidate.logicalId === call.logicalId);
    if (!resource) return;
    const reason = call.answer
      ? `Received response status [FAILED] from custom resource. Message returned: ${call.answer.reason ?? 'See the details in CloudWatch Log Stream'}`
      : `CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${call.requestId}].`;
    this.#resourceEvent(stack, resource, at, 'DELETE_FAILED', reason, call.physicalId);
  }

  #callOf(
    stack: Stack,
    logicalId: string,
    requestType: 'Create' | 'Delete',
  ): CustomResourceCall | undefined {
    return stack.customCalls.find(
      (call) => call.logicalId === logicalId && call.requestType === requestType,
    );
  }

  #sendCall(
    stack: Stack,
    resource: PlannedResource,
    requestType: 'Create' | 'Delete',
    at: number,
    physicalId?: string,
  ): void {
    const call: CustomResourceCall = {
      requestId: randomUUID(),
      requestType,
      logicalId: resource.logicalId,
      ...(physicalId !== undefined && { physicalId }),
      sentAt: at,
      timeoutMs: serviceTimeoutMs(resource),
    };
    stack.customCalls.push(call);
    this.#endpoint?.send(stack, resource, call);
  }

  /** Makes the IAM roles and managed policies of these resources exist. */
  #provision(stack: Stack, resources: readonly PlannedResource[], at: number): void {
    const propagationMs =
      stack.scenario === 'slow-propagation'
        ? stack.timing.slowPropagationMs
        : stack.timing.propagationMs;
    for (const resource of resources) {
      if (resource.type === 'AWS::IAM::ManagedPolicy') {
        this.#managedPolicies.set(resource.physicalId, {
          document: parsePolicyDocument(resource.properties.PolicyDocument, 'permission'),
          stackId: stack.stackId,
        });
      }
      if (resource.type === 'AWS::IAM::Role') {
        const arn = resource.attributes.Arn as string;
        const roleId = resource.attributes.RoleId as string;
        const trustPolicy = parsePolicyDocument(resource.properties.AssumeRolePolicyDocument);
        // A role updated in place stays assumable; a new one waits for IAM propagation.
        const existing = this.#roles.get(arn);
        const kept = existing?.stackId === stack.stackId && existing.roleId === roleId;
        this.#roles.set(arn, {
          arn,
          name: resource.physicalId,
          roleId,
          accountId: stack.accountId,
          trustPolicy:
            stack.scenario === 'no-external-id'
              ? withoutExternalIdCondition(trustPolicy)
              : trustPolicy,
          permissionPolicies: permissionPolicySources(resources, resource).map((document) =>
            parsePolicyDocument(document, 'permission'),
          ),
          maxSessionDuration: Number(resource.properties.MaxSessionDuration ?? 3600),
          createdAt: kept ? existing.createdAt : at,
          assumableAt: kept ? existing.assumableAt : at + propagationMs,
          stackId: stack.stackId,
        });
      }
    }
  }

  /** Removes the IAM roles and managed policies of these resources that the stack made. */
  #deprovision(stack: Stack, resources: readonly PlannedResource[]): void {
    for (const resource of resources) {
      if (resource.type === 'AWS::IAM::Role') {
        const role = this.#roles.get(resource.attributes.Arn as string);
        if (role?.stackId === stack.stackId) this.#roles.delete(role.arn);
      }
      if (this.#managedPolicies.get(resource.physicalId)?.stackId === stack.stackId) {
        this.#managedPolicies.delete(resource.physicalId);
      }
    }
  }

  #finishUpdate(stack: Stack, at: number): void {
    const pending = stack.pending;
    if (!pending) return;
    const next = pending.plan.resources;
    const previous = new Map(stack.resources.map((resource) => [resource.logicalId, resource]));
    const failure = this.#creationFailure(stack, next);
    if (failure) {
      const failed = next.find((resource) => resource.logicalId === failure.logicalId);
      const isNew = failed !== undefined && !previous.has(failed.logicalId);
      if (failed) {
        this.#resourceEvent(
          stack,
          failed,
          at,
          isNew ? 'CREATE_FAILED' : 'UPDATE_FAILED',
          failure.reason,
        );
      }
      this.#setStatus(
        stack,
        at,
        'UPDATE_ROLLBACK_IN_PROGRESS',
        `The following resource(s) failed to ${isNew ? 'create' : 'update'}: [${failure.logicalId}]. `,
      );
      return;
    }
    const changes = diffResources(stack.resources, next);
    const replaced = new Set(
      changes
        .filter((change) => change.action === 'Remove' || change.replacement)
        .map((change) => change.logicalId),
    );
    const removed = stack.resources.filter(
      (resource) => !next.some((candidate) => candidate.logicalId === resource.logicalId),
    );
    // Replaced or removed resources go first, so a renamed role does not collide with itself.
    this.#deprovision(
      stack,
      stack.resources.filter((resource) => replaced.has(resource.logicalId)),
    );
    this.#provision(stack, next, at);
    for (const change of changes) {
      const resource = next.find((candidate) => candidate.logicalId === change.logicalId);
      if (!resource) continue;
      const [started, done] =
        change.action === 'Add'
          ? ['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']
          : ['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE'];
      this.#resourceEvent(stack, resource, at, started);
      this.#resourceEvent(stack, resource, at, done);
    }
    Object.assign(stack, {
      template: pending.template,
      templateBody: pending.templateBody,
      parameters: pending.parameters,
      capabilities: pending.capabilities,
      resources: next,
      plannedOutputs: pending.plan.outputs,
      outputs: pending.plan.outputs,
      lastUpdatedAt: at,
    });
    if (pending.template.Description !== undefined)
      stack.description = pending.template.Description;
    else delete stack.description;
    delete stack.pending;
    this.#setStatus(stack, at, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    for (const resource of removed) {
      this.#resourceEvent(stack, resource, at, 'DELETE_IN_PROGRESS');
      this.#resourceEvent(stack, resource, at, 'DELETE_COMPLETE');
    }
    this.#setStatus(stack, at, 'UPDATE_COMPLETE');
  }

  #finishUpdateRollback(stack: Stack, at: number): void {
    delete stack.pending;
    stack.lastUpdatedAt = at;
    this.#setStatus(stack, at, 'UPDATE_ROLLBACK_COMPLETE');
  }

  /** Why creating (or updating) the stack's resources fails now, as IAM would refuse it. */
  #creationFailure(
    stack: Stack,
    resources: readonly PlannedResource[] = stack.resources,
  ): { logicalId: string; reason: string } | undefined {
    const firstRole = resources.find((resource) => resource.type === 'AWS::IAM::Role');
    if (stack.scenario === 'rollback') {
      return {
        logicalId: firstRole?.logicalId ?? resources[0]?.logicalId ?? stack.name,
        reason: `Resource handler returned message: "User: ${stack.createdBy} is not authorized to perform: iam:CreateRole on resource: ${firstRole?.attributes.Arn ?? 'role'} (the sandbox's rollback scenario)" (HandlerErrorCode: AccessDenied)`,
      };
    }
    for (const resource of resources) {
      if (resource.type === 'AWS::IAM::ManagedPolicy') {
        try {
          parsePolicyDocument(resource.properties.PolicyDocument, 'permission');
        } catch (error) {
          const message =
            error instanceof MalformedPolicyError ? error.message : 'Syntax errors in policy.';
          return { logicalId: resource.logicalId, reason: iamRefusal(message) };
        }
      }
      if (resource.type !== 'AWS::IAM::Role') continue;
      // The resource schema's limit, checked before IAM is asked.
      if (resource.physicalId.length > MAX_ROLE_NAME_LENGTH) {
        return {
          logicalId: resource.logicalId,
          reason: `Properties validation failed for resource ${resource.logicalId} with message: #/RoleName: expected maxLength: ${MAX_ROLE_NAME_LENGTH}`,
        };
      }
      const arn = resource.attributes.Arn as string;
      const existing = this.#roles.get(arn);
      if (existing && existing.stackId !== stack.stackId) {
        return {
          logicalId: resource.logicalId,
          reason: `${resource.physicalId} already exists in stack ${existing.stackId}`,
        };
      }
      let policy: PolicyDocument;
      try {
        policy = parsePolicyDocument(resource.properties.AssumeRolePolicyDocument);
        for (const document of permissionPolicySources(resources, resource)) {
          parsePolicyDocument(document, 'permission');
        }
      } catch (error) {
        const message =
          error instanceof MalformedPolicyError ? error.message : 'Syntax errors in policy.';
        return { logicalId: resource.logicalId, reason: iamRefusal(message) };
      }
      for (const principal of awsPrincipalsOf(policy)) {
        if (!this.#principalExists(principal)) {
          return {
            logicalId: resource.logicalId,
            reason: iamRefusal(`Invalid principal in policy: "AWS":"${principal}"`),
          };
        }
      }
    }
    return undefined;
  }

  #principalExists(principal: string): boolean {
    if (principal === '*' || wholeAccountOf(principal) !== undefined) return true;
    return this.#principals.has(principal) || this.#roles.has(principal);
  }

  #finishRollback(stack: Stack, at: number): void {
    const reason = stack.statusReason;
    // Roles exist already when a custom resource created after them failed.
    this.#deprovision(stack, stack.resources);
    for (const resource of [...stack.resources].reverse())
      this.#resourceEvent(stack, resource, at, 'DELETE_COMPLETE');
    if (stack.onFailure === 'DELETE') {
      stack.deletedAt = at;
      this.#setStatus(stack, at, 'DELETE_COMPLETE');
      return;
    }
    this.#setStatus(stack, at, 'ROLLBACK_COMPLETE', reason);
  }

  #beginDelete(stack: Stack, at: number): void {
    this.#setStatus(stack, at, 'DELETE_IN_PROGRESS', 'User Initiated');
    for (const resource of [...stack.resources].reverse())
      this.#resourceEvent(stack, resource, at, 'DELETE_IN_PROGRESS');
    this.#sendDeletes(stack, at);
  }

  #finishDelete(stack: Stack, at: number): void {
    this.#deprovision(stack, stack.resources);
    for (const resource of [...stack.resources].reverse())
      this.#resourceEvent(stack, resource, at, 'DELETE_COMPLETE');
    stack.deletedAt = at;
    this.#setStatus(stack, at, 'DELETE_COMPLETE');
  }

  #setStatus(stack: Stack, at: number, status: StackStatus, reason?: string): void {
    stack.status = status;
    stack.changedAt = at;
    if (reason === undefined) delete stack.statusReason;
    else stack.statusReason = reason;
    this.#stackEvent(stack, at, status, reason);
  }

  #stackEvent(stack: Stack, at: number, status: string, reason?: string): void {
    stack.events.push({
      eventId: randomUUID(),
      stackId: stack.stackId,
      stackName: stack.name,
      logicalResourceId: stack.name,
      physicalResourceId: stack.stackId,
      resourceType: 'AWS::CloudFormation::Stack',
      timestamp: at,
      resourceStatus: status,
      ...(reason !== undefined && { resourceStatusReason: reason }),
    });
  }

  #resourceEvent(
    stack: Stack,
    resource: PlannedResource,
    at: number,
    status: string,
    reason?: string,
    physicalId: string = resource.physicalId,
  ): void {
    stack.events.push({
      eventId: `${resource.logicalId}-${status}-${randomUUID()}`,
      stackId: stack.stackId,
      stackName: stack.name,
      logicalResourceId: resource.logicalId,
      physicalResourceId: physicalId,
      resourceType: resource.type,
      timestamp: at,
      resourceStatus: status,
      ...(reason !== undefined && { resourceStatusReason: reason }),
    });
  }
}

/** The permission policy documents a role of the stack gets: inline, managed and attached. */
function permissionPolicySources(
  resources: readonly PlannedResource[],
  role: PlannedResource,
): unknown[] {
  const documents: unknown[] = [];
  for (const policy of asList(role.properties.Policies)) {
    documents.push((policy as { PolicyDocument?: unknown } | null)?.PolicyDocument);
  }
  const managedArns = new Set(asList(role.properties.ManagedPolicyArns));
  for (const resource of resources) {
    if (resource.type === 'AWS::IAM::ManagedPolicy' && managedArns.has(resource.physicalId)) {
      documents.push(resource.properties.PolicyDocument);
    }
    if (
      resource.type === 'AWS::IAM::Policy' &&
      asList(resource.properties.Roles).includes(role.physicalId)
    ) {
      documents.push(resource.properties.PolicyDocument);
    }
  }
  return documents;
}

function earliest(steps: Step[]): Step | undefined {
  let first: Step | undefined;
  for (const step of steps) if (!first || step.at < first.at) first = step;
  return first;
}

/**
 * The resources `resource` refers to or `DependsOn` on the other side of the delivered/other
 * divide: for a delivered custom resource, the other resources it needs; for another resource,
 * the delivered custom resources it waits for. It starts once those exist.
 */
function dependenciesAcross(
  stack: Stack,
  delivered: readonly PlannedResource[],
  resource: PlannedResource,
): string[] {
  const isDelivered = (id: string) => delivered.some((candidate) => candidate.logicalId === id);
  const side = delivered.includes(resource);
  return resourceDependencies(stack.template, resource.logicalId).filter(
    (id) => isDelivered(id) !== side,
  );
}

/** ServiceTimeout is in seconds (1 to 3600); CloudFormation waits an hour without it. */
function serviceTimeoutMs(resource: PlannedResource): number {
  const seconds = Number(resource.properties.ServiceTimeout);
  return Number.isFinite(seconds) && seconds > 0
    ? Math.min(seconds, 3600) * 1000
    : DEFAULT_SERVICE_TIMEOUT_MS;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function iamRefusal(message: string): string {
  return `Resource handler returned message: "${message} (Service: Iam, Status Code: 400, Request ID: ${randomUUID()})" (HandlerErrorCode: InvalidRequest)`;
}

/** The trust policy as a customer who removed the ExternalId condition would leave it. */
function withoutExternalIdCondition(policy: PolicyDocument): PolicyDocument {
  const copy = structuredClone(policy);
  for (const statement of asArray(copy.Statement)) {
    // parsePolicyDocument has checked that a Condition is an object of objects.
    if (!isObject(statement) || !isObject(statement.Condition)) continue;
    const condition = statement.Condition;
    for (const [operator, block] of Object.entries(condition)) {
      if (!isObject(block)) continue;
      for (const key of Object.keys(block))
        if (key.toLowerCase() === 'sts:externalid') delete block[key];
      if (Object.keys(block).length === 0) delete condition[operator];
    }
    if (Object.keys(condition).length === 0) delete statement.Condition;
  }
  return copy;
}

function checkStackName(stackName: string): void {
  if (!STACK_NAME.test(stackName) || stackName.length > 128) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    );
  }
}

function scopeOf(stack: Stack) {
  return {
    accountId: stack.accountId,
    region: stack.region,
    partition: PARTITION,
    stackName: stack.name,
    stackId: stack.stackId,
  };
}

function resourceMap(stack: Stack): Map<string, PlannedResource> {
  return new Map(stack.resources.map((resource) => [resource.logicalId, resource]));
}
