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
export { type UseCloudConnectResult, useCloudConnect } from './use-cloud-connect';
export { type UseCloudConnectOptions, useCloudConnectActor } from './use-cloud-connect-actor';
