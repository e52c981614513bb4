import type { ReactNode } from 'react';
import {
  CloudConnect,
  type CloudConnectProviderProps,
  selectStage,
  useCloudConnectSelector,
} from '../src';

/** Options of the example page beyond the flow's own. */
export interface ExamplePageProps {
  /** Launch through `window.open` (falls back to the link when blocked). */
  popup?: boolean;
  open?: (url: string, target: string) => { opener: unknown } | null;
  contactHref?: string;
}

/**
 * A whole "Connect AWS" page built from the parts: what docs/react.md shows, what the stories
 * and the tests render. One screen per stage; each screen's heading takes focus when it opens.
 */
export function ExamplePage({
  popup,
  open,
  contactHref = 'mailto:support@example.com',
  ...provider
}: ExamplePageProps & CloudConnectProviderProps): ReactNode {
  return (
    <CloudConnect.Provider {...provider}>
      <CloudConnect.Root className="cc">
        <Screen popup={popup ?? false} open={open} contactHref={contactHref} />
      </CloudConnect.Root>
    </CloudConnect.Provider>
  );
}

function Screen({ popup, open, contactHref }: ExamplePageProps & { popup: boolean }) {
  // Only the stage: typing in the field never re-renders the page.
  const stage = useCloudConnectSelector(selectStage);
  const error = <CloudConnect.ErrorMessage className="cc-error" contactHref={contactHref} />;
  switch (stage) {
    case 'account':
      return (
        <section className="cc-screen">
          <CloudConnect.Heading>Connect your AWS account</CloudConnect.Heading>
          <CloudConnect.AccountIdForm className="cc-form">
            <CloudConnect.AccountIdLabel />
            <CloudConnect.AccountIdInput className="cc-input" placeholder="1234-5678-9012" />
            <CloudConnect.AccountIdError className="cc-field-error" />
            <CloudConnect.SubmitButton className="cc-button" />
          </CloudConnect.AccountIdForm>
          {error}
        </section>
      );
    case 'launch':
    case 'failed':
      return (
        <section className="cc-screen">
          <CloudConnect.Heading>Create the PorterRole stack</CloudConnect.Heading>
          <p>Porter will be able to:</p>
          <CloudConnect.PermissionList className="cc-permissions" />
          <CloudConnect.LaunchStackLink
            className="cc-button cc-link-button"
            popup={popup}
            {...(open && { open })}
          />
          <CloudConnect.VerificationStatus className="cc-status" />
          {error}
          <p className="cc-actions">
            <CloudConnect.VerifyNowButton className="cc-button cc-quiet" />
            <CloudConnect.EditButton className="cc-button cc-quiet" />
          </p>
        </section>
      );
    case 'connected':
      return (
        <section className="cc-screen">
          <CloudConnect.Heading>AWS account connected</CloudConnect.Heading>
          <CloudConnect.VerificationStatus className="cc-status" />
          <CloudConnect.ConnectionSummary className="cc-summary" />
          {error}
          <CloudConnect.RevokeButton className="cc-button cc-danger" />
        </section>
      );
    case 'revoke':
      return (
        <section className="cc-screen">
          <CloudConnect.Heading>Remove Porter's access</CloudConnect.Heading>
          <CloudConnect.RevocationStatus className="cc-status" />
          <CloudConnect.BlockerList className="cc-blockers" />
          {error}
          <CloudConnect.DeleteStackLink className="cc-button cc-link-button" />
          <p className="cc-actions">
            <CloudConnect.RecheckBlockersButton className="cc-button cc-quiet" />
            <CloudConnect.CancelRevokeButton className="cc-button cc-quiet" />
          </p>
        </section>
      );
    case 'revoked':
      return (
        <section className="cc-screen">
          <CloudConnect.Heading>Access removed</CloudConnect.Heading>
          <CloudConnect.RevocationStatus className="cc-status" />
        </section>
      );
  }
}
