// The main entry runs wherever the Fetch API and Web Crypto do (Node, Bun, Deno, workers): it
// imports no Node built-in and no native module. Node's listener and SQLite live in subpaths.
export {
  type AwsErrorDetails,
  type AwsErrorKind,
  classifyAwsError,
} from './aws-error-classification';
export {
  ASSUME_ROLE_DURATION_SECONDS,
  type AssumedCredentials,
  type AwsClientConfig,
  type AwsVerifierClients,
  type AwsVerifierOptions,
  createAwsVerifier,
  THROTTLED_RETRY_AFTER_MS,
} from './aws-verifier';
export { CloudConnectConfigError } from './config-validation';
export type {
  ConnectionVerifier,
  RoleTarget,
  VerifierCallOptions,
} from './connection-verifier';
export {
  type Coordination,
  createInProcessCoordination,
  type InProcessCoordinationOptions,
} from './coordination';
export { EXTERNAL_ID_PATTERN, generateExternalId, isExternalId } from './external-id';
export {
  type CloudConnectHandler,
  type CloudConnectHandlerConfig,
  type CloudConnectHandlerOptions,
  type CloudConnectHandlerWithEvents,
  createCloudConnectHandler,
  type Tenant,
} from './handler';
export type { LogFields, Logger } from './logger';
export {
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitOptions,
  rateLimitBudget,
} from './rate-limit';
export { BodyAlreadyReadError, DEFAULT_MAX_BODY_BYTES } from './request-body';
export {
  type ClosableStackEventStore,
  createMemoryStackEventStore,
  type StackEventSession,
  type StackEventState,
  type StackEventStore,
} from './stack-events/stack-event-store';
export type {
  PendingVerificationRun,
  StackEventsConfig,
} from './stack-events/stack-events';
export { StoreUnavailableError } from './store-unavailable-error';
export type {
  CheckRecord,
  CheckStatus,
  ConnectionListQuery,
  ConnectionPosition,
  ConnectionStore,
  SessionRecord,
  SessionStatus,
  StatusUpdate,
} from './stores/connection-store';
export { createMemoryStore } from './stores/memory-store';
export { UpstreamError } from './upstream-error';
export {
  WIRE_ERROR_STATUS,
  type WireErrorBody,
  type WireErrorCode,
} from './wire-errors';
export {
  defaultWireMessages,
  type WireMessageId,
  type WireMessageOverrides,
} from './wire-messages';
