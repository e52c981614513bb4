// The compound parts, imported together as `CloudConnect` (`<CloudConnect.Root>`, ...).
export { Provider } from './cloud-connect-context';
export {
  AccountIdError,
  AccountIdForm,
  AccountIdInput,
  AccountIdLabel,
  SubmitButton,
} from './parts/account-id';
export { ConnectionSummary, RevokeButton } from './parts/connection';
export { ErrorMessage, RetryButton } from './parts/error';
export { LaunchStackLink, PermissionList, VerificationStatus } from './parts/launch';
export { BlockerList, DeleteStackLink, RevocationStatus } from './parts/revocation';
export { Heading, Root } from './parts/root';
