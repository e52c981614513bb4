/**
 * The simulated AWS: accounts, IAM roles and CloudFormation stacks. Stack progress is computed
 * from timestamps whenever the state is read (`settle`), so no timers run and a manual clock
 * makes every transition deterministic.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from './query-protocol';
import type { SandboxScenario, SandboxTiming } from './scenarios';
import {
  type CloudFormationTemplate,
  isNoEcho,
  type PlannedOutput,
  type PlannedResource,
  planStack,
  requiredCapability,
  resolveParameters,
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
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_COMPLETE';

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
  /** The ARN of the principal that created the stack. */
  createdBy: string;
  /** The scenario and timing in force when the stack was created: later switches do not change it. */
  scenario: SandboxScenario;
  timing: SandboxTiming;
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
export interface CreateStackInput {
  accountId: string;
  region: string;
  stackName: string;
  template: CloudFormationTemplate;
  parameters: ReadonlyArray<{ key: string; value: string }>;
  capabilities: readonly string[];
  onFailure?: OnFailure;
  /** The ARN of who asked: IAM names this principal when it refuses the stack's resources. */
  createdBy: string;
  scenario: SandboxScenario;
  timing: SandboxTiming;
  now: number;
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const PARTITION = 'aws';

/** The accounts, roles and stacks of one sandbox. */
export class CloudState {
  readonly partition = PARTITION;
  readonly #stacks: Stack[] = [];
  readonly #roles = new Map<string, Role>();
  readonly #principals = new Set<string>();

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
    const { accountId, region, stackName, template, now } = input;
    if (!STACK_NAME.test(stackName) || stackName.length > 128) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    this.settle(now);
    if (this.findStack(accountId, region, stackName)) {
      throw new AwsError('AlreadyExistsException', `Stack [${stackName}] already exists`);
    }
    const values = resolveParameters(template, input.parameters);
    const needed = requiredCapability(template);
    const granted = new Set(input.capabilities);
    const satisfied =
      needed === undefined ||
      granted.has('CAPABILITY_NAMED_IAM') ||
      (needed === 'CAPABILITY_IAM' && granted.has('CAPABILITY_IAM'));
    if (!satisfied) {
      throw new AwsError(
        'InsufficientCapabilitiesException',
        `Requires capabilities : [${needed}]`,
      );
    }
    const stackId = `arn:${PARTITION}:cloudformation:${region}:${accountId}:stack/${stackName}/${randomUUID()}`;
    const plan = planStack(template, values, {
      accountId,
      region,
      partition: PARTITION,
      stackName,
      stackId,
    });
    const stack: Stack = {
      stackId,
      name: stackName,
      accountId,
      region,
      ...(template.Description !== undefined && { description: template.Description }),
      status: 'CREATE_IN_PROGRESS',
      statusReason: 'User Initiated',
      createdAt: now,
      changedAt: now,
      parameters: [...values].map(([key, value]) => ({
        key,
        value,
        noEcho: isNoEcho(template, key),
      })),
      capabilities: [...granted],
      onFailure: input.onFailure ?? 'ROLLBACK',
      resources: plan.resources,
      plannedOutputs: plan.outputs,
      outputs: [],
      events: [],
      createdBy: input.createdBy,
      scenario: input.scenario,
      timing: input.timing,
    };
    this.#stackEvent(stack, now, 'CREATE_IN_PROGRESS', 'User Initiated');
    for (const resource of stack.resources) {
      this.#resourceEvent(stack, resource, now, 'CREATE_IN_PROGRESS', undefined, '');
      this.#resourceEvent(
        stack,
        resource,
        now,
        'CREATE_IN_PROGRESS',
        'Resource creation Initiated',
      );
    }
    this.#stacks.push(stack);
    return stack;
  }

  /** DeleteStack: a missing or already deleting stack is no error, as on AWS. */
  deleteStack(accountId: string, region: string, nameOrId: string, now: number): void {
    this.settle(now);
    const stack = this.findStack(accountId, region, nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.deleteRequestedAt !== undefined)
      return;
    stack.deleteRequestedAt = now;
    this.#settleStack(stack, now);
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
        const doneAt = stack.createdAt + timing.stackCreateMs;
        if (deleteAt !== undefined && deleteAt < doneAt)
          return { at: deleteAt, run: (at) => this.#beginDelete(stack, at) };
        return { at: doneAt, run: (at) => this.#finishCreate(stack, at) };
      }
      case 'ROLLBACK_IN_PROGRESS':
        return {
          at: stack.changedAt + timing.stackDeleteMs,
          run: (at) => this.#finishRollback(stack, at),
        };
      case 'DELETE_IN_PROGRESS':
        return {
          at: stack.changedAt + timing.stackDeleteMs,
          run: (at) => this.#finishDelete(stack, at),
        };
      case 'CREATE_COMPLETE':
      case 'CREATE_FAILED':
      case 'ROLLBACK_COMPLETE':
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
      return;
    }
    const propagationMs =
      stack.scenario === 'slow-propagation'
        ? stack.timing.slowPropagationMs
        : stack.timing.propagationMs;
    for (const resource of stack.resources) {
      if (resource.type === 'AWS::IAM::Role') {
        const arn = resource.attributes.Arn as string;
        const trustPolicy = parsePolicyDocument(resource.properties.AssumeRolePolicyDocument);
        this.#roles.set(arn, {
          arn,
          name: resource.physicalId,
          roleId: resource.attributes.RoleId as string,
          accountId: stack.accountId,
          trustPolicy:
            stack.scenario === 'no-external-id'
              ? withoutExternalIdCondition(trustPolicy)
              : trustPolicy,
          permissionPolicies: permissionPolicySources(stack, resource).map((document) =>
            parsePolicyDocument(document, 'permission'),
          ),
          maxSessionDuration: Number(resource.properties.MaxSessionDuration ?? 3600),
          createdAt: at,
          assumableAt: at + propagationMs,
          stackId: stack.stackId,
        });
      }
      this.#resourceEvent(stack, resource, at, 'CREATE_COMPLETE');
    }
    stack.outputs = stack.plannedOutputs;
    this.#setStatus(stack, at, 'CREATE_COMPLETE');
  }

  /** Why creating the stack's resources fails now, as IAM would refuse it, if it does. */
  #creationFailure(stack: Stack): { logicalId: string; reason: string } | undefined {
    const firstRole = stack.resources.find((resource) => resource.type === 'AWS::IAM::Role');
    if (stack.scenario === 'rollback') {
      return {
        logicalId: firstRole?.logicalId ?? stack.resources[0]?.logicalId ?? stack.name,
        reason: `Resource handler returned message: "User: ${stack.createdBy} is not authorized to perform: iam:CreateRole on resource: ${firstRole?.attributes.Arn ?? 'role'} (the sandbox's rollback scenario)" (HandlerErrorCode: AccessDenied)`,
      };
    }
    for (const resource of stack.resources) {
      if (resource.type !== 'AWS::IAM::Role') continue;
      const arn = resource.attributes.Arn as string;
      const existing = this.#roles.get(arn);
      if (existing) {
        return {
          logicalId: resource.logicalId,
          reason: `${resource.physicalId} already exists in stack ${existing.stackId}`,
        };
      }
      let policy: PolicyDocument;
      try {
        policy = parsePolicyDocument(resource.properties.AssumeRolePolicyDocument);
        for (const document of permissionPolicySources(stack, resource)) {
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
  }

  #finishDelete(stack: Stack, at: number): void {
    for (const resource of [...stack.resources].reverse()) {
      if (resource.type === 'AWS::IAM::Role') {
        const role = this.#roles.get(resource.attributes.Arn as string);
        if (role?.stackId === stack.stackId) this.#roles.delete(role.arn);
      }
      this.#resourceEvent(stack, resource, at, 'DELETE_COMPLETE');
    }
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
function permissionPolicySources(stack: Stack, role: PlannedResource): unknown[] {
  const documents: unknown[] = [];
  for (const policy of asList(role.properties.Policies)) {
    documents.push((policy as { PolicyDocument?: unknown } | null)?.PolicyDocument);
  }
  const managedArns = new Set(asList(role.properties.ManagedPolicyArns));
  for (const resource of stack.resources) {
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
