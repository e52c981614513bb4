/**
 * The Connect page: every step from the account ID to connected, on Cloud Connect's parts
 * with Northwind's own classes and words around them.
 */
import { type Connection, formatAccountId, selectPopupBlocked } from '@porter/cloud-connect';
import {
  CloudConnect,
  type CloudConnectStage,
  selectStage,
  useCloudConnectSelector,
} from '@porter/cloud-connect-react';
import { type ReactNode, useState } from 'react';
import { backend } from './backend';
import type { DemoConfig } from './demo-api';
import { pageLinkProps } from './navigation';

/** Where the Connect page keeps its flow, so a reload resumes it (this tab only). */
export const CONNECT_FLOW_KEY = 'northwind.connect-flow';
const POPUP_PREFERENCE_KEY = 'northwind.open-console-in-popup';

interface ConnectPageProps {
  config: DemoConfig;
  connection: Connection | null | undefined;
  onConnected: () => void;
}

export function ConnectPage({ config, connection, onConnected }: ConnectPageProps): ReactNode {
  return (
    <>
      <h1>Connect your AWS account</h1>
      <p className="lede">
        Northwind runs your services on clusters in your own AWS account. Porter, our cluster
        provider, needs a role there: you create it with one CloudFormation stack, and you can
        remove it at any time.
      </p>
      <CloudConnect.Provider
        backend={backend}
        timing={config.timing}
        persist={CONNECT_FLOW_KEY}
        onConnected={onConnected}
      >
        <CloudConnect.Root className="card flow">
          <Progress />
          <Screen connection={connection} />
        </CloudConnect.Root>
      </CloudConnect.Provider>
    </>
  );
}

const STEPS: Array<{ label: string; stages: CloudConnectStage[] }> = [
  { label: 'Account ID', stages: ['account'] },
  { label: 'Create the role', stages: ['launch', 'failed'] },
  { label: 'Connected', stages: ['connected', 'revoke', 'revoked'] },
];

function Progress() {
  const stage = useCloudConnectSelector(selectStage);
  const current = STEPS.findIndex((step) => step.stages.includes(stage));
  return (
    <ol className="progress" aria-label="Progress">
      {STEPS.map((step, index) => (
        <li
          key={step.label}
          data-done={index < current ? '' : undefined}
          aria-current={index === current ? 'step' : undefined}
        >
          <span className="progress-number" aria-hidden="true">
            {index + 1}
          </span>
          {step.label}
        </li>
      ))}
    </ol>
  );
}

function Screen({ connection }: { connection: Connection | null | undefined }) {
  // Only the stage: typing in the field re-renders the input alone.
  const stage = useCloudConnectSelector(selectStage);
  switch (stage) {
    case 'account':
      return <AccountIdScreen connection={connection} />;
    case 'launch':
    case 'failed':
      return <LaunchScreen />;
    case 'connected':
      return <ConnectedScreen />;
    case 'revoke':
    case 'revoked':
      return (
        <section className="screen">
          <CloudConnect.Heading>Access is being removed</CloudConnect.Heading>
          <p>
            Follow the removal on the <a {...pageLinkProps('account')}>Cloud account</a> page.
          </p>
        </section>
      );
  }
}

function AccountIdScreen({ connection }: { connection: Connection | null | undefined }) {
  return (
    <section className="screen">
      <CloudConnect.Heading>Which AWS account should Northwind use?</CloudConnect.Heading>
      {connection && (
        <p className="notice">
          Account {formatAccountId(connection.accountId)} is already connected; manage it on the{' '}
          <a {...pageLinkProps('account')}>Cloud account</a> page.
        </p>
      )}
      <CloudConnect.AccountIdForm className="form">
        <CloudConnect.AccountIdLabel className="label" />
        <p className="hint" id="account-id-hint">
          12 digits, shown in the account menu at the top right of the AWS console. Dashes and
          spaces are fine.
        </p>
        <div className="field-row">
          <CloudConnect.AccountIdInput
            className="input"
            placeholder="1234-5678-9012"
            aria-describedby="account-id-hint"
            autoComplete="off"
          />
          <CloudConnect.SubmitButton className="button button-primary" />
        </div>
        <CloudConnect.AccountIdError className="field-error" />
      </CloudConnect.AccountIdForm>
      <CloudConnect.ErrorMessage className="alert" />
    </section>
  );
}

function readPopupPreference(): boolean {
  try {
    return window.localStorage.getItem(POPUP_PREFERENCE_KEY) === 'yes';
  } catch {
    return false;
  }
}

function LaunchScreen() {
  const accountId = useCloudConnectSelector((snapshot) => snapshot.context.accountId);
  const popupBlocked = useCloudConnectSelector(selectPopupBlocked);
  const [popup, setPopup] = useState(readPopupPreference);
  const choosePopup = (value: boolean) => {
    setPopup(value);
    try {
      window.localStorage.setItem(POPUP_PREFERENCE_KEY, value ? 'yes' : 'no');
    } catch {
      // Without storage the choice lasts until the page closes.
    }
  };
  return (
    <section className="screen">
      <CloudConnect.Heading>Create the Porter role in your account</CloudConnect.Heading>
      <p className="account-line">
        AWS account <strong>{formatAccountId(accountId)}</strong>{' '}
        <CloudConnect.EditButton className="button button-link">Change</CloudConnect.EditButton>
      </p>
      <ol className="instructions">
        <li>Open the AWS console with the button below (a new tab).</li>
        <li>
          Tick <em>I acknowledge that AWS CloudFormation might create IAM resources</em> and choose{' '}
          <em>Create stack</em>.
        </li>
        <li>Come back to this tab: Northwind notices the role on its own.</li>
      </ol>
      <div className="launch">
        <CloudConnect.LaunchStackLink className="button button-primary" popup={popup} />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={popup}
            onChange={(event) => choosePopup(event.target.checked)}
          />
          Open the console in a popup window
        </label>
      </div>
      {popupBlocked && (
        <p className="notice" role="status">
          The popup was blocked, so the button above is now a plain link: it opens the console in a
          new tab.
        </p>
      )}
      <CloudConnect.VerificationStatus className="status" />
      <CloudConnect.ErrorMessage className="alert" contactHref="mailto:support@northwind.example" />
      <h3>What Porter will be able to do</h3>
      <CloudConnect.PermissionList className="permissions" />
    </section>
  );
}

function ConnectedScreen() {
  return (
    <section className="screen">
      <CloudConnect.Heading>Your AWS account is connected</CloudConnect.Heading>
      <CloudConnect.VerificationStatus className="status status-success" />
      <CloudConnect.ConnectionSummary className="summary" />
      <h3>What Porter can do</h3>
      <CloudConnect.PermissionList className="permissions" />
      <p>
        <a className="button button-primary" {...pageLinkProps('account')}>
          Go to your cloud account
        </a>
      </p>
    </section>
  );
}
