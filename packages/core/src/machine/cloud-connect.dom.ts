/** The element ids `connect()` gives its parts, derived from one prefix so several flows can share a page. */
export interface CloudConnectIds {
  root: string;
  label: string;
  input: string;
  error: string;
  status: string;
  launchLink: string;
  stacksConsoleLink: string;
  blockers: string;
}

/** Ids for every part, from a prefix (`cloud-connect` unless the host passes one, e.g. React's `useId()`). */
export function getCloudConnectIds(prefix = 'cloud-connect'): CloudConnectIds {
  return {
    root: prefix,
    label: `${prefix}-account-id-label`,
    input: `${prefix}-account-id`,
    error: `${prefix}-account-id-error`,
    status: `${prefix}-status`,
    launchLink: `${prefix}-launch-link`,
    stacksConsoleLink: `${prefix}-stacks-console-link`,
    blockers: `${prefix}-blockers`,
  };
}
