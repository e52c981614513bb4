/**
 * Evaluates a role's permission policies (identity-based) for one API call: an explicit Deny
 * wins, then any Allow whose Action, Resource and Condition match; otherwise the call is
 * refused, as IAM refuses it.
 */
import {
  actionMatchesPattern,
  conditionsHold,
  decide,
  listMatches,
  type PolicyDocument,
  wildcardMatches,
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
  const applies = (statement: PolicyDocument) =>
    listMatches(statement, 'Action', (pattern) => actionMatchesPattern(request.action, pattern)) &&
    listMatches(statement, 'Resource', (pattern) => wildcardMatches(pattern, request.resource)) &&
    conditionsHold(statement.Condition, request.context);
  return decide(policies, applies) === 'allow';
}
