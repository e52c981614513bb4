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
  type ErrorDetail,
  type ErrorInfo,
  errorInfo,
  isErrorCode,
  isRetryableCode,
} from './errors';
export {
  type AccountIdRequest,
  type CheckConnectionResponse,
  type CheckRevocationResponse,
  type CreateSessionResponse,
  createHttpBackend,
  type GetConnectionResponse,
  HttpBackendError,
  type HttpBackendHeaders,
  type HttpBackendOptions,
  isBlocker,
  isConnection,
  isConnectionCheck,
  isConnectSession,
  isRevocationCheck,
  type ListBlockersResponse,
  parseRetryAfter,
  type WireErrorBody,
  type WireErrorCode,
} from './http-backend';
export {
  type ButtonProps,
  type CloudConnectApi,
  type ConnectOptions,
  connect,
  type LinkEvent,
  type LinkProps,
  type OpenWindow,
  type PartAttributes,
  type PartEvent,
} from './machine/cloud-connect.connect';
export { type CloudConnectIds, getCloudConnectIds } from './machine/cloud-connect.dom';
export {
  type CloudConnectMachine,
  cloudConnectMachine,
  createCloudConnectMachine,
} from './machine/cloud-connect.machine';
export {
  type CloudConnectSnapshot,
  type CloudConnectStatus,
  type CloudConnectStep,
  localizeAccountIdError,
  localizeError,
  selectAccountId,
  selectAccountIdError,
  selectAttempts,
  selectBlockers,
  selectCanRetry,
  selectConnection,
  selectError,
  selectIsChecking,
  selectIsSlow,
  selectIsSubmitting,
  selectIsTimedOut,
  selectPopupBlocked,
  selectQuickCreateUrl,
  selectSession,
  selectStacksConsoleUrl,
  selectState,
  selectStatus,
  selectStep,
  shallowEqual,
  statusMessage,
  stepOf,
} from './machine/cloud-connect.selectors';
export type {
  CloudConnectClock,
  CloudConnectContext,
  CloudConnectEmitted,
  CloudConnectEvent,
  CloudConnectInput,
  CloudConnectMachineOptions,
  CloudConnectState,
  CloudConnectTiming,
  FailedStep,
} from './machine/cloud-connect.types';
export {
  type CloudConnectActor,
  type CreateCloudConnectOptions,
  createCloudConnect,
} from './machine/create-cloud-connect';
export { SNAPSHOT_VERSION } from './machine/snapshot';
export { DEFAULT_TIMING } from './machine/timing';
export { defaultMessages, type MessageId, type MessageOverrides, messageFor } from './messages';
export {
  consoleHost,
  DEFAULT_REGION,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  isPartition,
  isS3Host,
  type LinkErrorCode,
  type LinkFailure,
  PARTITION_DOMAINS,
  PARTITIONS,
  type Partition,
  type PartitionResult,
  partitionOfRegion,
} from './partitions';
export {
  PERMISSION_GROUP_IDS,
  type PermissionGroupId,
  type PermissionListItem,
  permissionList,
  type RolePreset,
} from './permission-catalog';
export { type LinkResult, type QuickCreateUrlOptions, quickCreateUrl } from './quick-create-url';
export { type RoleArnOptions, type RoleArnResult, roleArn } from './role-arn';
export { type StacksConsoleUrlOptions, stacksConsoleUrl } from './stacks-console-url';
