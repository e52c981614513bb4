/**
 * What each state of `cloudConnectMachine` means, keyed by its path. Kept out of the machine so
 * pages do not download them: only the diagram generator (docs/state-machine.md) and the tests
 * read this file, and a test fails when a state lacks an entry or an entry names no state.
 */
export const STATE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  disconnected:
    'The user enters an AWS account ID; submitting it creates a session on the backend.',
  'disconnected.editing':
    'Typing the account ID. Its error shows on blur or submit, never on the first keystroke.',
  'disconnected.creatingSession':
    'Creating (or fetching) the session that holds the ExternalId and the quick-create link. Editing the ID cancels it.',
  'disconnected.sessionFailed':
    'Creating the session failed (SESSION_FAILED, NETWORK, UNAUTHORIZED, RATE_LIMITED). RETRY tries again; a rate limit retries by itself after Retry-After.',
  connecting:
    'The quick-create link is ready; the user launches the stack; the machine verifies that it can assume the role.',
  'connecting.ready': 'Waiting for the user to open the quick-create link and create the stack.',
  'connecting.verifying':
    'Checking whether the role can be assumed until it can, a check fails for good, or the timeout: every visibleIntervalMs while the page is watched (PAGE.VISIBLE, for visibleWindowMs), else on a schedule that backs off.',
  'connecting.verifying.polling': 'The check loop: waiting -> checking -> deciding.',
  'connecting.verifying.polling.waiting':
    'Waiting for the next check, due at a deadline kept in context (so it survives a restore). PAGE.VISIBLE checks at once.',
  'connecting.verifying.polling.checking':
    'Asking the backend, once, whether the role can be assumed.',
  'connecting.verifying.polling.deciding':
    'Acting on the last check: connected, failed for good, or schedule the next one ("pending" is never an error).',
  'connecting.verifying.patience': 'Whether this is taking longer than usual.',
  'connecting.verifying.patience.normal': 'Within the usual time (until slowAfterMs after launch).',
  'connecting.verifying.patience.slow':
    'Longer than usual: the UI shows troubleshooting while polling goes on.',
  'connecting.timedOut':
    'Polling stopped after timeoutMs (TIMED_OUT, retryable). RETRY or VERIFY.NOW resumes it.',
  connected: 'Verified: the context holds the role ARN and the verification time.',
  'connected.watching': 'Decides whether periodic health checks run (healthIntervalMs > 0).',
  'connected.healthy': 'Verified; health checks are off.',
  'connected.waiting': 'Waiting for the next health check (a deadline in context).',
  'connected.checking': 'Checking that the role can still be assumed.',
  'connected.accessLost':
    'The role can no longer be assumed (ACCESS_LOST, or the verdict that needs a fix). RETRY checks again.',
  revoking:
    'Checks blockers (clusters), guides the stack deletion, then confirms that the role can no longer be assumed.',
  'revoking.checkingBlockers': 'Asking the backend what must go first (clusters Porter manages).',
  'revoking.blockersUnknown': 'Listing the blockers failed. RETRY or REVOKE.RECHECK asks again.',
  'revoking.blocked': 'Clusters must be deleted first (REVOKE_BLOCKED). REVOKE.RECHECK asks again.',
  'revoking.loadingLink':
    'Fetching the session (idempotent) for its stacks-console link, when the machine started on an existing connection.',
  'revoking.deletingStack':
    'The stacks-console link is shown; waiting for the user to delete the PorterRole stack.',
  'revoking.confirming':
    'Polling checkRevocation every revocationIntervalMs until the role is gone.',
  'revoking.confirming.waiting': 'Waiting for the next revocation check (a deadline in context).',
  'revoking.confirming.checking': 'Asking the backend whether the role can still be assumed.',
  revoked: 'Access is removed and confirmed. EDIT starts over.',
  failed:
    'An error that waiting will not fix. RETRY goes back to the step that can fix it (STACK_FAILED: launch again); EDIT goes to the account ID.',
};
