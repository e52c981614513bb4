/**
 * Evaluates an IAM role trust policy (the role's AssumeRolePolicyDocument) for one request,
 * the way IAM does for the parts a trust policy uses: Effect, Principal/NotPrincipal,
 * Action/NotAction with wildcards, and Condition operators on request context keys.
 * An explicit Deny wins; with no matching Allow the answer is an implicit deny.
 */
import { isAccountId } from '@porter/cloud-connect';

/** The request a trust policy is asked about. */
export interface TrustRequest {
  /** The caller's ARN (`arn:aws:iam::111122223333:user/x` or an STS assumed-role ARN). */
  principalArn: string;
  principalAccount: string;
  /** For an assumed-role caller, the ARN of its role (`arn:aws:iam::...:role/...`). */
  principalRoleArn?: string;
  action: string;
  /** Condition keys of the request, e.g. `sts:ExternalId`; compared case-insensitively by key. */
  context: Readonly<Record<string, string | undefined>>;
}

/** The outcome, named as IAM's evaluation logic names it. */
export type TrustDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** A policy document IAM would refuse to attach, with IAM's reason. */
export class MalformedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPolicyError';
  }
}

/** A JSON value inside a policy document. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A parsed policy document. */
export type PolicyDocument = JsonObject;

/**
 * Parses a policy given as an object or a JSON string, checking the shape IAM requires: a
 * trust policy names principals; a permission policy must not, and names resources.
 */
export function parsePolicyDocument(
  document: unknown,
  kind: 'trust' | 'permission' = 'trust',
): PolicyDocument {
  let value: unknown = document;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new MalformedPolicyError('Syntax errors in policy.');
    }
  }
  if (!isObject(value)) throw new MalformedPolicyError('Syntax errors in policy.');
  const statements = asArray(value.Statement);
  if (statements.length === 0)
    throw new MalformedPolicyError('Policy statement must contain at least one statement.');
  for (const statement of statements) {
    if (!isObject(statement)) throw new MalformedPolicyError('Syntax errors in policy.');
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw new MalformedPolicyError('Invalid effect in policy.');
    }
    if (statement.Action === undefined && statement.NotAction === undefined) {
      throw new MalformedPolicyError('Policy statement must contain actions.');
    }
    const { Condition: condition } = statement;
    if (
      condition !== undefined &&
      (!isObject(condition) || !Object.values(condition).every(isObject))
    ) {
      throw new MalformedPolicyError('Syntax errors in policy.');
    }
    const namesPrincipal =
      statement.Principal !== undefined || statement.NotPrincipal !== undefined;
    if (kind === 'trust' && !namesPrincipal) {
      throw new MalformedPolicyError('Missing required field Principal.');
    }
    if (kind === 'permission' && namesPrincipal) {
      throw new MalformedPolicyError('Policy document should not specify a principal.');
    }
    if (
      kind === 'permission' &&
      statement.Resource === undefined &&
      statement.NotResource === undefined
    ) {
      throw new MalformedPolicyError('Policy statement must contain resources.');
    }
  }
  return value as JsonObject;
}

/** The principal ARNs (or account ids, or `*`) a policy names under `Principal.AWS`. */
export function awsPrincipalsOf(policy: JsonObject): string[] {
  const principals: string[] = [];
  for (const statement of asArray(policy.Statement)) {
    if (!isObject(statement)) continue;
    const principal = statement.Principal;
    if (principal === '*') principals.push('*');
    else if (isObject(principal)) {
      for (const entry of asArray(principal.AWS))
        if (typeof entry === 'string') principals.push(entry);
    }
  }
  return principals;
}

/** Decides whether the policy lets the request through. */
export function evaluateTrustPolicy(policy: JsonObject, request: TrustRequest): TrustDecision {
  return decide([policy], (statement) => statementApplies(statement, request));
}

/**
 * IAM's evaluation over the statements of some policies: an applying Deny wins, then an
 * applying Allow; with neither, an implicit deny.
 */
export function decide(
  policies: readonly JsonObject[],
  applies: (statement: JsonObject) => boolean,
): TrustDecision {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of asArray(policy.Statement)) {
      if (!isObject(statement) || !applies(statement)) continue;
      if (statement.Effect === 'Deny') return 'explicit-deny';
      if (statement.Effect === 'Allow') allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/**
 * Whether a statement's `Action` (or `Resource`) lists a pattern that passes `test`; a
 * statement with `NotAction` (`NotResource`) instead matches when none of those does.
 */
export function listMatches(
  statement: JsonObject,
  field: 'Action' | 'Resource',
  test: (pattern: string) => boolean,
): boolean {
  const listed = (patterns: Json | undefined) =>
    asArray(patterns).some((pattern) => typeof pattern === 'string' && test(pattern));
  const positive = statement[field];
  return positive !== undefined ? listed(positive) : !listed(statement[`Not${field}`]);
}

function statementApplies(statement: JsonObject, request: TrustRequest): boolean {
  const principalMatches =
    statement.Principal !== undefined
      ? principalBlockMatches(statement.Principal, request)
      : !principalBlockMatches(statement.NotPrincipal ?? null, request);
  return (
    principalMatches &&
    listMatches(statement, 'Action', (pattern) => actionMatchesPattern(request.action, pattern)) &&
    conditionsHold(statement.Condition, request.context)
  );
}

function principalBlockMatches(block: Json, request: TrustRequest): boolean {
  if (block === '*') return true;
  if (!isObject(block)) return false;
  return asArray(block.AWS).some(
    (entry) => typeof entry === 'string' && awsPrincipalMatches(entry, request),
  );
}

/** A `Principal.AWS` entry: `*`, an account id or its root ARN (the whole account), or one ARN. */
function awsPrincipalMatches(entry: string, request: TrustRequest): boolean {
  if (entry === '*') return true;
  const account = wholeAccountOf(entry);
  if (account !== undefined) return account === request.principalAccount;
  return (
    entry === request.principalArn ||
    (request.principalRoleArn !== undefined && entry === request.principalRoleArn)
  );
}

/** The account a `Principal.AWS` entry names as a whole (`123456789012`, `arn:aws:iam::123456789012:root`). */
export function wholeAccountOf(entry: string): string | undefined {
  const account = /^arn:[\w-]+:iam::(\d{12}):root$/.exec(entry)?.[1] ?? entry;
  return isAccountId(account) ? account : undefined;
}

/** IAM action names match case-insensitively, with `*` and `?` wildcards. */
export function actionMatchesPattern(action: string, pattern: string): boolean {
  return wildcardMatches(pattern, action, true);
}

/**
 * Whether all of `text` matches an IAM wildcard pattern: `*` is any run of characters, `?` one
 * character. Greedy with one backtrack point, so time stays linear-ish in pattern x text
 * (a regular expression of many `.*` takes exponential time on a near miss).
 */
export function wildcardMatches(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1; // the last `*` seen, and the text position it has swallowed up to
  let swallowed = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      swallowed = ti;
    } else if (star !== -1) {
      pi = star + 1;
      ti = ++swallowed;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

type ConditionTest = (actual: string, expected: string) => boolean;

// A Map, so an operator named like an Object.prototype member (`constructor`) is no operator.
const STRING_OPERATORS = new Map<string, ConditionTest>([
  ['stringequals', (actual, expected) => actual === expected],
  ['stringequalsignorecase', (actual, expected) => actual.toLowerCase() === expected.toLowerCase()],
  ['stringlike', (actual, expected) => wildcardMatches(expected, actual)],
  ['arnequals', (actual, expected) => actual === expected],
  ['arnlike', (actual, expected) => wildcardMatches(expected, actual)],
]);

/** Whether every operator of a statement's Condition block holds for the request's context keys. */
export function conditionsHold(
  condition: Json | undefined,
  context: TrustRequest['context'],
): boolean {
  if (condition === undefined) return true;
  if (!isObject(condition)) return false;
  for (const [rawOperator, block] of Object.entries(condition)) {
    if (!isObject(block)) return false;
    const ifExists = /IfExists$/i.test(rawOperator);
    const operator = rawOperator.replace(/IfExists$/i, '').toLowerCase();
    for (const [key, expectedValue] of Object.entries(block)) {
      const actual = contextValue(context, key);
      const expected = asArray(expectedValue).map(String);
      if (!operatorHolds(operator, actual, expected, ifExists)) return false;
    }
  }
  return true;
}

function operatorHolds(
  operator: string,
  actual: string | undefined,
  expected: string[],
  ifExists: boolean,
): boolean {
  if (operator === 'null') {
    const wantMissing = expected.some((value) => value.toLowerCase() === 'true');
    return wantMissing ? actual === undefined : actual !== undefined;
  }
  if (actual === undefined) {
    // IAM: a missing key fails positive operators, satisfies negated ones and ...IfExists.
    return ifExists || operator.includes('not');
  }
  const negated = operator.replace('not', '');
  const test = STRING_OPERATORS.get(negated);
  if (!test) return false; // an operator this sandbox does not model never grants access
  const matched = expected.some((value) => test(actual, value));
  return operator === negated ? matched : !matched;
}

function contextValue(context: TrustRequest['context'], key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(context))
    if (name.toLowerCase() === wanted) return value;
  return undefined;
}

/** A policy field that may be one value or a list, as a list. */
export function asArray(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Whether a policy value is a JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
