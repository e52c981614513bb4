import { createCloudConnect } from '@porter/cloud-connect';
import { act, render, screen } from '@testing-library/react';
import axe from 'axe-core';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { waitFor } from 'xstate';
import { CloudConnect, type CloudConnectMessages } from '../src';
import { ExamplePage } from '../stories/example-page';
import {
  CONNECTED_CHECK,
  createScriptedBackend,
  SCRIPTED_ACCOUNT_ID,
} from '../stories/scripted-backend';

const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 5000 });
const connection = {
  accountId: SCRIPTED_ACCOUNT_ID,
  roleArn: CONNECTED_CHECK.roleArn,
  verifiedAt: CONNECTED_CHECK.verifiedAt,
  sessionId: 'sess_scripted',
};

// The parts live in a host's page: axe checks them inside its main landmark.
const renderInPage = (ui: ReactNode) => render(<main>{ui}</main>);

async function expectNoAxeViolations() {
  const { violations } = await axe.run(document.body, { resultTypes: ['violations'] });
  expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

async function submitByKeyboard(value: string) {
  await userEvent.click(screen.getByLabelText('AWS account ID'));
  await userEvent.keyboard(value);
  await userEvent.keyboard('{Enter}');
}

// A script's click: Chromium blocks the new tab it would open, which the tests do not need.
const follow = (name: RegExp) => act(() => screen.getByRole('link', { name }).click());

describe('the parts', () => {
  it('carry the flow by keyboard from the account ID to connected, focus on each new heading, no axe violation', async () => {
    const backend = createScriptedBackend({ checkConnection: [CONNECTED_CHECK] });
    renderInPage(<ExamplePage backend={backend} timing={{ firstCheckMs: 300 }} />);
    await expectNoAxeViolations();

    await submitByKeyboard('1234 5678 9012');
    const launchHeading = await screen.findByRole('heading', {
      name: 'Create the PorterRole stack',
    });
    await until(() => expect(document.activeElement).toBe(launchHeading));
    expect(
      screen.getAllByRole('listitem').map((item) => item.querySelector('strong')?.textContent),
    ).toEqual([
      'EKS clusters',
      'VPCs, subnets and security groups',
      'ECR repositories',
      'IAM roles for cluster operations',
      'Service quota increases',
      'This stack',
    ]);
    const link = screen.getByRole('link', { name: /Open the AWS console/ });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.getAttribute('data-state')).toBe('ready');
    await expectNoAxeViolations();

    follow(/Open the AWS console/);
    await until(() =>
      expect(screen.getByRole('status').textContent).toMatch(/Waiting for the stack/),
    );
    await expectNoAxeViolations();

    const connected = await screen.findByRole('heading', { name: 'AWS account connected' });
    await until(() => expect(document.activeElement).toBe(connected));
    expect(screen.getByText('1234-5678-9012')).toBeTruthy();
    expect(screen.getByText(CONNECTED_CHECK.roleArn)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Connected to AWS account 1234-5678-9012.');
    await expectNoAxeViolations();
  });

  it('label the input and tie its error to it with aria-invalid and aria-describedby', async () => {
    renderInPage(<ExamplePage backend={createScriptedBackend()} />);
    await submitByKeyboard('12345');
    const input = screen.getByRole('textbox', { name: 'AWS account ID' });
    await until(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    const described = document.getElementById(input.getAttribute('aria-describedby') ?? '');
    expect(described?.textContent).toMatch(/exactly 12 digits; this one has 5/);
    expect(described?.hidden).toBe(false);
    // The field's error shows at the field, not a second time in the alert.
    expect(screen.queryByRole('alert')).toBeNull();
    await expectNoAxeViolations();
  });

  it('run the host handler first, and its preventDefault() skips the part', async () => {
    const backend = createScriptedBackend();
    render(
      <CloudConnect.Provider backend={backend}>
        <CloudConnect.AccountIdForm onSubmit={(event) => event.preventDefault()}>
          <CloudConnect.AccountIdLabel />
          <CloudConnect.AccountIdInput />
          <CloudConnect.SubmitButton />
        </CloudConnect.AccountIdForm>
      </CloudConnect.Provider>,
    );
    await submitByKeyboard(SCRIPTED_ACCOUNT_ID);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(backend.count('createSession')).toBe(0);
  });

  it('render the host element with asChild, props and handlers merged', async () => {
    const clicks: string[] = [];
    render(
      <CloudConnect.Provider backend={createScriptedBackend()} connection={connection}>
        <CloudConnect.RevokeButton asChild className="mine">
          <button type="button" className="host" onClick={() => clicks.push('host')}>
            Disconnect
          </button>
        </CloudConnect.RevokeButton>
        <CloudConnect.RevocationStatus />
      </CloudConnect.Provider>,
    );
    const button = screen.getByRole('button', { name: 'Disconnect' });
    expect(button.className).toBe('mine host');
    expect(button.getAttribute('data-part')).toBe('revoke-button');
    await userEvent.click(button);
    expect(clicks).toEqual(['host']);
    await until(() => expect(button.getAttribute('data-state')).not.toBe('connected'));
  });

  it('show a clicked launch through a blocked popup as the plain link, and say so', async () => {
    const open = vi.fn(() => null);
    renderInPage(<ExamplePage backend={createScriptedBackend()} popup open={open} />);
    await submitByKeyboard(SCRIPTED_ACCOUNT_ID);
    const link = await screen.findByRole('link', { name: /Open the AWS console/ });
    await userEvent.click(link);
    expect(open).toHaveBeenCalledWith(expect.stringMatching(/^https:/), '_blank');
    await until(() => expect(link.hasAttribute('data-popup-blocked')).toBe(true));
    expect(link.textContent).toMatch(/blocked the new window/);
    expect(link.getAttribute('href')).toMatch(/^https:/);
  });

  it('show each error with its matching action, and no developer detail unless asked', async () => {
    const backend = createScriptedBackend({ createSession: { throws: 'SESSION_FAILED' } });
    renderInPage(<ExamplePage backend={backend} />);
    await submitByKeyboard(SCRIPTED_ACCOUNT_ID);
    const alert = await screen.findByRole('alert');
    expect(alert.getAttribute('data-code')).toBe('SESSION_FAILED');
    expect(alert.textContent).toMatch(/could not start the connection/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    await expectNoAxeViolations();
  });

  it('offer to contact the vendor when only the vendor can fix the error', async () => {
    const backend = createScriptedBackend({
      checkConnection: [{ status: 'failed', code: 'VENDOR_CREDENTIALS', message: '' }],
    });
    renderInPage(
      <ExamplePage
        backend={backend}
        timing={{ firstCheckMs: 0 }}
        contactHref="mailto:help@vendor.example"
      />,
    );
    await submitByKeyboard(SCRIPTED_ACCOUNT_ID);
    await screen.findByRole('link', { name: /Open the AWS console/ });
    follow(/Open the AWS console/);
    const contact = await screen.findByRole('link', { name: 'Contact support' });
    expect(contact.getAttribute('href')).toBe('mailto:help@vendor.example');
    expect(screen.getByRole('alert').getAttribute('data-action')).toBe('contact');
  });

  it('render the developer detail of an error only with showDetail', async () => {
    const backend = createScriptedBackend({ createSession: { throws: 'NETWORK' } });
    const source = createCloudConnect({ backend }).start();
    source.send({ type: 'ACCOUNT_ID.CHANGE', value: SCRIPTED_ACCOUNT_ID });
    source.send({ type: 'ACCOUNT_ID.SUBMIT' });
    await waitFor(source, (snapshot) => snapshot.context.error !== null);
    const saved = source.getPersistedSnapshot() as unknown as { context: { error: object } };
    source.stop();
    saved.context.error = {
      ...saved.context.error,
      detail: { status: 503, url: '/api/cloud-connect/sessions' },
    };
    const actor = createCloudConnect({ backend, snapshot: saved }).start();
    render(
      <CloudConnect.Provider actor={actor}>
        <CloudConnect.ErrorMessage data-testid="plain" />
        <CloudConnect.ErrorMessage data-testid="debug" showDetail />
      </CloudConnect.Provider>,
    );
    expect(screen.getByTestId('plain').textContent).not.toMatch(/503/);
    expect(screen.getByTestId('debug').textContent).toMatch(/"status": 503/);
    actor.stop();
  });

  it('speak the host language through messages', async () => {
    const messages: CloudConnectMessages = {
      'part.accountIdLabel': 'ID de compte AWS',
      'part.submit': 'Continuer',
      'status.editing': 'Saisissez les 12 chiffres.',
      'accountId.wrongLength': 'Il faut 12 chiffres, pas {count}.',
    };
    render(
      <CloudConnect.Provider backend={createScriptedBackend()} messages={messages}>
        <CloudConnect.AccountIdForm>
          <CloudConnect.AccountIdLabel />
          <CloudConnect.AccountIdInput />
          <CloudConnect.AccountIdError />
          <CloudConnect.SubmitButton />
        </CloudConnect.AccountIdForm>
        <CloudConnect.VerificationStatus />
      </CloudConnect.Provider>,
    );
    expect(screen.getByRole('status').textContent).toBe('Saisissez les 12 chiffres.');
    await userEvent.fill(screen.getByLabelText('ID de compte AWS'), '123');
    await userEvent.click(screen.getByRole('button', { name: 'Continuer' }));
    await until(() => expect(screen.getByText('Il faut 12 chiffres, pas 3.')).toBeTruthy());
  });

  it('list the clusters that block revocation, then guide the deletion to revoked, by keyboard', async () => {
    const backend = createScriptedBackend({
      listBlockers: [[{ id: 'c1', kind: 'cluster', name: 'production', href: '/clusters/c1' }], []],
      checkRevocation: [{ status: 'revoked' }],
    });
    const revoked = vi.fn();
    renderInPage(
      <ExamplePage
        backend={backend}
        connection={connection}
        timing={{ revocationIntervalMs: 50 }}
        onRevoked={revoked}
      />,
    );
    // By keyboard: Tab to the button, Enter.
    await userEvent.keyboard('{Tab}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove access' }));
    await userEvent.keyboard('{Enter}');
    await until(() => expect(screen.getByRole('link', { name: 'production' })).toBeTruthy());
    expect(screen.getByRole('alert').getAttribute('data-code')).toBe('REVOKE_BLOCKED');
    // Said once, by the alert: the status line stays quiet on a step that only has an error.
    expect(screen.getByRole('status').textContent).toBe('');
    await expectNoAxeViolations();
    screen.getByRole('button', { name: 'Try again' }).focus();
    await userEvent.keyboard(' ');
    const deleteLink = await screen.findByRole('link', { name: /delete it/ });
    await until(() => expect(deleteLink.getAttribute('aria-disabled')).toBe('false'));
    act(() => deleteLink.click());
    await screen.findByRole('heading', { name: 'Access removed' });
    expect(revoked).toHaveBeenCalledWith(SCRIPTED_ACCOUNT_ID);
    await expectNoAxeViolations();
  });

  it('check for the role at once with "Check now", busy while the check runs', async () => {
    // The first scheduled check is a minute away: only the button checks within the test.
    const backend = createScriptedBackend({ checkConnection: ['never'] });
    renderInPage(<ExamplePage backend={backend} timing={{ firstCheckMs: 60_000 }} />);
    await submitByKeyboard(SCRIPTED_ACCOUNT_ID);
    const button = await screen.findByRole('button', { name: 'Check now' });
    expect(button.getAttribute('data-part')).toBe('verify-button');
    await userEvent.click(button);
    await until(() => expect(backend.count('checkConnection')).toBe(1));
    await until(() => expect(button.getAttribute('aria-busy')).toBe('true'));
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(button.getAttribute('data-state')).toBe('verifying');
    await expectNoAxeViolations();
  });

  it('go back to the account ID with "Change the account ID", the session dropped', async () => {
    renderInPage(<ExamplePage backend={createScriptedBackend()} />);
    await submitByKeyboard(SCRIPTED_ACCOUNT_ID);
    await screen.findByRole('link', { name: /Open the AWS console/ });
    await userEvent.click(screen.getByRole('button', { name: 'Change the account ID' }));
    const heading = await screen.findByRole('heading', { name: 'Connect your AWS account' });
    await until(() => expect(document.activeElement).toBe(heading));
    expect(screen.getByRole('textbox', { name: 'AWS account ID' })).toBeTruthy();
  });

  it('list the blockers again with "Check again", enabled only while blocked', async () => {
    const backend = createScriptedBackend({
      listBlockers: [[{ id: 'c1', kind: 'cluster', name: 'production' }], []],
      checkRevocation: ['never'],
    });
    renderInPage(<ExamplePage backend={backend} connection={connection} />);
    await userEvent.click(screen.getByRole('button', { name: 'Remove access' }));
    await until(() => expect(screen.getByText('production')).toBeTruthy());
    const recheck = screen.getByRole('button', { name: 'Check again' });
    expect(recheck.getAttribute('data-state')).toBe('blocked');
    expect((recheck as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(recheck);
    await until(() => expect(backend.count('listBlockers')).toBe(2));
    await until(() => expect(screen.queryByText('production')).toBeNull());
    await until(() => expect((recheck as HTMLButtonElement).disabled).toBe(true));
  });

  it('stop revoking with "Keep the connection", unless the host prevented it', async () => {
    const backend = createScriptedBackend({ listBlockers: ['never'] });
    const prevent = { current: true };
    render(
      <CloudConnect.Provider backend={backend} connection={connection}>
        <CloudConnect.RevokeButton />
        <CloudConnect.CancelRevokeButton
          onClick={(event) => {
            if (prevent.current) event.preventDefault();
          }}
        />
      </CloudConnect.Provider>,
    );
    const cancel = screen.getByRole('button', { name: 'Keep the connection' });
    expect((cancel as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Remove access' }));
    await until(() => expect(cancel.getAttribute('data-state')).toBe('checkingBlockers'));
    expect((cancel as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(cancel);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(cancel.getAttribute('data-state')).toBe('checkingBlockers');
    prevent.current = false;
    await userEvent.click(cancel);
    await until(() => expect(cancel.getAttribute('data-state')).toBe('connected'));
    expect((cancel as HTMLButtonElement).disabled).toBe(true);
  });
});
