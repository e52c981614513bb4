export * as CloudConnect from './cloud-connect';
export {
  type CloudConnectContextValue,
  type CloudConnectProviderActorProps,
  type CloudConnectProviderOptionsProps,
  type CloudConnectProviderProps,
  useCloudConnectContext,
} from './cloud-connect-context';
export {
  type CloudConnectMessages,
  type PartMessageId,
  partMessage,
  partMessages,
} from './messages';
export type { ConnectionSummaryProps } from './parts/connection';
export {
  type ErrorAction,
  type ErrorMessageProps,
  type ErrorMessageState,
  errorActionOf,
} from './parts/error';
export {
  formatElapsed,
  type LaunchStackLinkProps,
  type PermissionListProps,
  type VerificationStatusProps,
  type VerificationStatusState,
} from './parts/launch';
export { mergeProps, type PartProps } from './parts/part';
export type { BlockerListProps, RevocationStatusProps } from './parts/revocation';
export { type CloudConnectStage, selectStage } from './parts/root';
export {
  useAccountIdField,
  useCloudConnectActorRef,
  useCloudConnectError,
  useCloudConnectSelector,
  useCloudConnectStatus,
  useCloudConnectStep,
} from './selector-hooks';
export { type UseCloudConnectResult, useCloudConnect } from './use-cloud-connect';
export { type UseCloudConnectOptions, useCloudConnectActor } from './use-cloud-connect-actor';
