export {
  type AccountIdErrorCode,
  formatAccountId,
  isAccountId,
  type ParseAccountIdResult,
  parseAccountId,
} from './account-id';
export type {
  Blocker,
  CallOptions,
  ConnectBackend,
  Connection,
  ConnectionCheck,
  ConnectSession,
  PendingReason,
  RevocationCheck,
} from './backend';
export {
  CloudConnectError,
  type CloudConnectErrorCode,
  ERROR_CODES,
  type ErrorInfo,
  errorInfo,
  isErrorCode,
  isRetryableCode,
} from './errors';
export { defaultMessages, type MessageId, type MessageOverrides, messageFor } from './messages';
