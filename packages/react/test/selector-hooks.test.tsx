import { type CloudConnectState, createHttpBackend, selectAttempts } from '@porter/cloud-connect';
import { act, render, screen } from '@testing-library/react';
import { expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  CloudConnect,
  useAccountIdField,
  useCloudConnectActorRef,
  useCloudConnectError,
  useCloudConnectSelector,
  useCloudConnectStatus,
  useCloudConnectStep,
} from '../src';
import { createScriptedBackend, PENDING_CHECK } from '../stories/scripted-backend';

const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 5000 });

function Readout() {
  const step = useCloudConnectStep();
  const field = useAccountIdField();
  const status = useCloudConnectStatus();
  const error = useCloudConnectError();
  const attempts = useCloudConnectSelector(selectAttempts);
  const actor = useCloudConnectActorRef();
  return (
    <div>
      <output aria-label="step">{step}</output>
      <output aria-label="field">{`${field.value}|${field.error ?? ''}`}</output>
      <output aria-label="status">{status.message}</output>
      <output aria-label="error">{error?.code ?? ''}</output>
      <output aria-label="attempts">{attempts}</output>
      <button type="button" onClick={() => actor.send({ type: 'CANCEL' })}>
        Cancel
      </button>
    </div>
  );
}

const read = (name: string) => screen.getByRole('status', { name }).textContent;

it('the selector hooks read the flow of the nearest provider, in the host language', async () => {
  const exits: CloudConnectState[] = [];
  render(
    <CloudConnect.Provider
      backend={createScriptedBackend({ createSession: { throws: 'NETWORK' } })}
      messages={{ 'error.NETWORK': 'Réseau indisponible.' }}
      onExit={(state) => exits.push(state)}
    >
      <CloudConnect.AccountIdForm>
        <CloudConnect.AccountIdLabel />
        <CloudConnect.AccountIdInput />
      </CloudConnect.AccountIdForm>
      <Readout />
    </CloudConnect.Provider>,
  );
  expect(read('step')).toBe('editing');
  expect(read('status')).toMatch(/12-digit ID/);
  await userEvent.fill(screen.getByLabelText('AWS account ID'), '12');
  await userEvent.keyboard('{Enter}');
  await until(() => expect(read('field')).toMatch(/^12\|An AWS account ID has exactly 12 digits/));

  await userEvent.fill(screen.getByLabelText('AWS account ID'), '123456789012');
  await userEvent.keyboard('{Enter}');
  await until(() => expect(read('step')).toBe('sessionFailed'));
  expect(read('error')).toBe('NETWORK');
  expect(read('status')).toBe('Réseau indisponible.');
  expect(read('attempts')).toBe('0');

  await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(exits).toEqual(['disconnected']);
});

it('fails with a clear message when a part has no provider', () => {
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  expect(() => render(<CloudConnect.RetryButton />)).toThrow(/<CloudConnect.Provider>/);
  errors.mockRestore();
});

it('no fetch runs after unmount: the HTTP backend request in flight is aborted', async () => {
  const requests: { url: string; signal: AbortSignal | null | undefined }[] = [];
  // Answers nothing until aborted, as a slow server would.
  const slowServer: typeof fetch = (input, init) => {
    requests.push({ url: String(input), signal: init?.signal });
    return new Promise((_, reject) =>
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
    );
  };
  const backend = createHttpBackend({ baseUrl: '/api/cloud-connect', fetch: slowServer });
  const view = render(
    <CloudConnect.Provider backend={backend} timing={{ minGapMs: 0 }}>
      <CloudConnect.AccountIdForm>
        <CloudConnect.AccountIdLabel />
        <CloudConnect.AccountIdInput />
      </CloudConnect.AccountIdForm>
    </CloudConnect.Provider>,
  );
  await userEvent.fill(screen.getByLabelText('AWS account ID'), '123456789012');
  await userEvent.keyboard('{Enter}');
  await until(() => expect(requests).toHaveLength(1));
  expect(requests[0]?.url).toBe('/api/cloud-connect/sessions');
  view.unmount();
  expect(requests[0]?.signal?.aborted).toBe(true);
  act(() => {
    window.dispatchEvent(new FocusEvent('focus'));
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(requests).toHaveLength(1);
});

it('shows the time since launch while verifying, outside the live announcement', async () => {
  render(
    <CloudConnect.Provider
      backend={createScriptedBackend({ checkConnection: [PENDING_CHECK] })}
      accountId="123456789012"
      timing={{ firstCheckMs: 60_000 }}
    >
      <CloudConnect.AccountIdForm />
      <CloudConnect.LaunchStackLink />
      <CloudConnect.VerificationStatus />
    </CloudConnect.Provider>,
  );
  act(() => document.querySelector('form')?.requestSubmit());
  const link = await screen.findByRole('link', { name: /Open the AWS console/ });
  await until(() => expect(link.getAttribute('aria-disabled')).toBe('false'));
  act(() => link.click());
  await until(() =>
    expect(document.querySelector('[data-part="elapsed"]')?.textContent).toMatch(/0:0\d elapsed/),
  );
  expect(document.querySelector('[data-part="elapsed"]')?.getAttribute('aria-hidden')).toBe('true');
  expect(screen.getByRole('status').textContent).toMatch(/^Waiting for the stack/);
});
