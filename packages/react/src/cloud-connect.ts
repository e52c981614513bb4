// The compound parts, imported together as `CloudConnect` (`<CloudConnect.Root>`, ...).
export { Provider } from './cloud-connect-context';
export {
  AccountIdError,
  AccountIdForm,
  AccountIdInput,
  AccountIdLabel,
  EditButton,
  SubmitButton,
} from './parts/account-id';
export { ConnectionSummary, RevokeButton } from './parts/connection';
export { ErrorMessage, RetryButton } from './parts/error';
export {
  LaunchStackLink,
  PermissionList,
  VerificationStatus,
  VerifyNowButton,
} from './parts/launch';
export {
  BlockerList,
  CancelRevokeButton,
  DeleteStackLink,
  RecheckBlockersButton,
  RevocationStatus,
} from './parts/revocation';
export { Heading, Root } from './parts/root';
