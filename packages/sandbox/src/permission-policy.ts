/**
 * Evaluates a role's permission policies (identity-based) for one API call: an explicit Deny
 * wins, then any Allow whose Action, Resource and Condition match; otherwise the call is
 * refused, as IAM refuses it.
 */
import {
  actionMatchesPattern,
  asArray,
  conditionsHold,
  isObject,
  type PolicyDocument,
  wildcardRegExp,
} from './trust-policy';

/** One call as IAM sees it. */
export interface PermissionRequest {
  action: string;
  resource: string;
  context: Readonly<Record<string, string | undefined>>;
}

/** Whether the policies allow the call. */
export function isAllowedByPolicies(
  policies: readonly PolicyDocument[],
  request: PermissionRequest,
): boolean {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of asArray(policy.Statement)) {
      if (!isObject(statement) || !statementMatches(statement, request)) continue;
      if (statement.Effect === 'Deny') return false;
      if (statement.Effect === 'Allow') allowed = true;
    }
  }
  return allowed;
}

function statementMatches(statement: Record<string, unknown>, request: PermissionRequest): boolean {
  const matchesAny = (patterns: unknown, test: (pattern: string) => boolean) =>
    asArray(patterns as never).some((pattern) => typeof pattern === 'string' && test(pattern));
  const action = (pattern: string) => actionMatchesPattern(request.action, pattern);
  const resource = (pattern: string) => wildcardRegExp(pattern, '').test(request.resource);
  const actionOk =
    statement.Action !== undefined
      ? matchesAny(statement.Action, action)
      : !matchesAny(statement.NotAction, action);
  const resourceOk =
    statement.Resource !== undefined
      ? matchesAny(statement.Resource, resource)
      : !matchesAny(statement.NotResource, resource);
  return actionOk && resourceOk && conditionsHold(statement.Condition as never, request.context);
}
