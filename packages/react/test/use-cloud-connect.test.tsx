import type { CloudConnectEmitted, ErrorInfo } from '@porter/cloud-connect';
import { act, render, screen } from '@testing-library/react';
import { Activity, StrictMode } from 'react';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { type UseCloudConnectOptions, useCloudConnect } from '../src';
import {
  CONNECTED_CHECK,
  createScriptedBackend,
  PENDING_CHECK,
  type ScriptedBackend,
} from '../stories/scripted-backend';

function Flow(options: UseCloudConnectOptions) {
  const flow = useCloudConnect(options);
  return (
    <div>
      <p data-testid="step">{flow.step}</p>
      <form {...flow.getFormProps()}>
        {/* biome-ignore lint/a11y/noLabelWithoutControl: getLabelProps() carries htmlFor */}
        <label {...flow.getLabelProps()}>AWS account ID</label>
        <input {...flow.getAccountIdInputProps()} />
        <span {...flow.getAccountIdErrorProps()}>{flow.accountIdError}</span>
        <button {...flow.getSubmitButtonProps()}>Continue</button>
      </form>
      <a {...flow.getLaunchLinkProps()}>Open the AWS console</a>
    </div>
  );
}

const step = () => screen.getByTestId('step').textContent;
const until = (predicate: () => boolean) =>
  vi.waitFor(() => expect(predicate()).toBe(true), { timeout: 5000 });

// A script's click, not the user's: Chromium blocks the new tab, which the tests do not need.
const launch = () => act(() => screen.getByRole('link', { name: 'Open the AWS console' }).click());

async function submitAccountId(value = '123456789012') {
  await userEvent.fill(screen.getByLabelText('AWS account ID'), value);
  await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
}

afterEach(() => sessionStorage.clear());

describe('useCloudConnect', () => {
  it('returns the view API: typing fills the field, submitting creates the session and shows the link', async () => {
    const backend = createScriptedBackend();
    render(<Flow backend={backend} />);
    expect(step()).toBe('editing');
    await submitAccountId('1234-5678-9012');
    await until(() => step() === 'ready');
    expect(screen.getByRole('link', { name: 'Open the AWS console' }).getAttribute('href')).toMatch(
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\//,
    );
    expect(backend.count('createSession')).toBe(1);
  });

  it('ties the error to the input once an invalid ID is submitted', async () => {
    render(<Flow backend={createScriptedBackend()} />);
    await submitAccountId('12345');
    const input = screen.getByLabelText('AWS account ID');
    await until(() => input.getAttribute('aria-invalid') === 'true');
    const error = document.getElementById(input.getAttribute('aria-describedby') ?? '');
    expect(error?.textContent).toMatch(/exactly 12 digits/);
  });

  it('creates one session under StrictMode, whose double mount starts the flow once', async () => {
    const backend = createScriptedBackend();
    render(
      <StrictMode>
        <Flow backend={backend} />
      </StrictMode>,
    );
    await submitAccountId();
    await until(() => step() === 'ready');
    expect(backend.count('createSession')).toBe(1);
  });

  it('restores a flow saved mid-request under StrictMode with one request, not two', async () => {
    const first = createScriptedBackend({ createSession: 'never' });
    const view = render(<Flow backend={first} persist="cc-strict" />);
    await submitAccountId();
    await until(() => step() === 'creatingSession');
    view.unmount();

    const second = createScriptedBackend({ createSession: 'never' });
    render(
      <StrictMode>
        <Flow backend={second} persist="cc-strict" />
      </StrictMode>,
    );
    await until(() => second.count('createSession') === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.count('createSession')).toBe(1);
    expect(second.calls[0]?.signal?.aborted).toBe(false);
  });

  it('aborts the request in flight on unmount and calls the backend no more', async () => {
    const backend = createScriptedBackend({ createSession: 'never' });
    const view = render(<Flow backend={backend} />);
    await submitAccountId();
    await until(() => backend.count('createSession') === 1);
    view.unmount();
    expect(backend.calls[0]?.signal?.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(backend.calls).toHaveLength(1);
  });

  it('leaves no timer behind on unmount while verifying', async () => {
    const pending = new Set<unknown>();
    const { setTimeout: realSet, clearTimeout: realClear } = window;
    vi.spyOn(window, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const handle = realSet(() => {
        pending.delete(handle);
        fn();
      }, ms);
      pending.add(handle);
      return handle;
    }) as typeof setTimeout);
    vi.spyOn(window, 'clearTimeout').mockImplementation((handle) => {
      pending.delete(handle);
      realClear(handle);
    });
    try {
      const backend = createScriptedBackend({ checkConnection: [PENDING_CHECK] });
      const timing = { firstCheckMs: 60_000, intervalMs: 60_000 };
      const view = render(<Flow backend={backend} timing={timing} />);
      await submitAccountId();
      await until(() => step() === 'ready');
      launch();
      await until(() => step() === 'verifying');
      const machineTimers = [...pending];
      expect(machineTimers.length).toBeGreaterThan(0);
      view.unmount();
      expect(machineTimers.filter((handle) => pending.has(handle))).toEqual([]);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('restores the saved flow after a reload', async () => {
    const view = render(<Flow backend={createScriptedBackend()} persist="cc-reload" />);
    await submitAccountId();
    await until(() => step() === 'ready');
    view.unmount();
    expect(sessionStorage.getItem('cc-reload')).toContain('"session"');

    const backend = createScriptedBackend();
    render(<Flow backend={backend} persist="cc-reload" />);
    expect(step()).toBe('ready');
    expect(backend.count('createSession')).toBe(0);
  });

  it('discards a saved snapshot it cannot restore, reports INVALID_SNAPSHOT and starts fresh', async () => {
    sessionStorage.setItem('cc-bad', JSON.stringify({ status: 'active', value: 'nowhere' }));
    const errors: ErrorInfo[] = [];
    render(
      <Flow
        backend={createScriptedBackend()}
        persist="cc-bad"
        onError={(error) => errors.push(error)}
      />,
    );
    expect(step()).toBe('editing');
    await until(() => errors.length === 1);
    expect(errors[0]?.code).toBe('INVALID_SNAPSHOT');
    expect(sessionStorage.getItem('cc-bad')).not.toContain('nowhere');
  });

  it('calls the latest callbacks without restarting when their identity changes', async () => {
    const backend = createScriptedBackend({ checkConnection: [CONNECTED_CHECK] });
    const first: CloudConnectEmitted[] = [];
    const second: CloudConnectEmitted[] = [];
    const connected = vi.fn();
    const timing = { firstCheckMs: 0 };
    const view = render(
      <Flow backend={backend} timing={timing} onEvent={(event) => first.push(event)} />,
    );
    await submitAccountId();
    await until(() => step() === 'ready');
    view.rerender(
      <Flow
        backend={backend}
        timing={timing}
        onEvent={(event) => second.push(event)}
        onConnected={connected}
      />,
    );
    expect(step()).toBe('ready');
    launch();
    await until(() => step() === 'connected');
    expect(first.map((event) => event.type)).toEqual(['session.created']);
    expect(second.map((event) => event.type)).toEqual([
      'stack.launched',
      'verification.attempt',
      'connected',
    ]);
    expect(connected).toHaveBeenCalledWith(
      expect.objectContaining({ roleArn: CONNECTED_CHECK.roleArn }),
    );
    expect(backend.count('createSession')).toBe(1);
  });

  it('reports each new error to onError once', async () => {
    const errors: ErrorInfo[] = [];
    render(
      <Flow
        backend={createScriptedBackend({ createSession: { throws: 'SESSION_FAILED' } })}
        onError={(error) => errors.push(error)}
      />,
    );
    await submitAccountId();
    await until(() => step() === 'sessionFailed');
    expect(errors.map((error) => error.code)).toEqual(['SESSION_FAILED']);
  });

  it('checks at once when the window regains focus while verifying', async () => {
    const backend: ScriptedBackend = createScriptedBackend({ checkConnection: [PENDING_CHECK] });
    const timing = { firstCheckMs: 60_000, intervalMs: 60_000, minGapMs: 0 };
    render(<Flow backend={backend} timing={timing} />);
    await submitAccountId();
    await until(() => step() === 'ready');
    launch();
    await until(() => step() === 'verifying');
    expect(backend.count('checkConnection')).toBe(0);
    act(() => {
      window.dispatchEvent(new FocusEvent('focus'));
    });
    await until(() => backend.count('checkConnection') === 1);
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await until(() => backend.count('checkConnection') === 2);
  });

  it('checks often while the page is watched and stops when the window loses focus', async () => {
    const backend = createScriptedBackend({ checkConnection: [PENDING_CHECK] });
    const timing = {
      firstCheckMs: 60_000,
      intervalMs: 60_000,
      minGapMs: 0,
      visibleIntervalMs: 100,
      visibleWindowMs: 60_000,
    };
    render(<Flow backend={backend} timing={timing} />);
    await submitAccountId();
    await until(() => step() === 'ready');
    launch();
    await until(() => step() === 'verifying');
    act(() => {
      window.dispatchEvent(new FocusEvent('focus'));
    });
    await until(() => backend.count('checkConnection') >= 3);
    act(() => {
      window.dispatchEvent(new FocusEvent('blur'));
    });
    const afterBlur = backend.count('checkConnection');
    await new Promise((resolve) => setTimeout(resolve, 600));
    // A check already scheduled may still run; then the 60 s schedule applies.
    expect(backend.count('checkConnection')).toBeLessThanOrEqual(afterBlur + 1);
  });

  it.runIf(inject('reactMajor') === '19')(
    'continues where it was when a hidden <Activity> shows it again (effects re-run on a stopped actor)',
    async () => {
      const backend = createScriptedBackend();
      const page = (mode: 'visible' | 'hidden') => (
        <Activity mode={mode}>
          <Flow backend={backend} />
        </Activity>
      );
      const view = render(page('visible'));
      await submitAccountId();
      await until(() => step() === 'ready');
      view.rerender(page('hidden'));
      view.rerender(page('visible'));
      await until(() => step() === 'ready');
      launch();
      await until(() => step() === 'verifying');
      expect(backend.count('createSession')).toBe(1);
    },
  );
});
