import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/machine/cloud-connect.connect';
import type { CloudConnectEvent } from '../../src/machine/cloud-connect.types';
import { messageFor } from '../../src/messages';
import { ACCOUNT_ID, CONNECTED, EXISTING_CONNECTION, sessionFor } from './fake-backend';
import { type Flow, startFlow, T0, tick, toReady, toVerifying } from './harness';

beforeEach(() => vi.useFakeTimers({ now: T0 }));
afterEach(() => vi.useRealTimers());

const view = (flow: Flow, options?: Parameters<typeof connect>[2]) =>
  connect(flow.snapshot, flow.send, options);

// A real (Node's) DOM event, as a browser hands it to a handler; `button` for pointer events.
const domEvent = (type = 'click', init: { button?: number } = {}) =>
  Object.assign(new Event(type, { cancelable: true }), init);
const preventedEvent = (type = 'click', init: { button?: number } = {}) => {
  const event = domEvent(type, init);
  event.preventDefault();
  return event;
};
// An input event from a field holding `value` (Event's own currentTarget is read-only).
const inputEvent = (value: string, event = domEvent('input')) =>
  Object.defineProperty(event, 'currentTarget', { value: { value } }) as Event & {
    currentTarget: { value: string };
  };

describe('connect(): the account ID field', () => {
  it('labels the input and ties its error to it only once the error shows', () => {
    const flow = startFlow();
    const api = view(flow);
    expect(api.getLabelProps()).toMatchObject({ htmlFor: api.ids.input, id: api.ids.label });
    expect(api.getAccountIdInputProps()).toMatchObject({
      id: 'cloud-connect-account-id',
      'aria-invalid': false,
      'aria-describedby': undefined,
      'data-scope': 'cloud-connect',
      'data-part': 'account-id-input',
      'data-state': 'editing',
      inputMode: 'numeric',
    });
    api.getAccountIdInputProps().onChange(inputEvent('12'));
    expect(view(flow).getAccountIdErrorProps().hidden).toBe(true);
    view(flow).getAccountIdInputProps().onBlur(domEvent('blur'));
    const after = view(flow);
    expect(after.getAccountIdInputProps()).toMatchObject({
      value: '12',
      'aria-invalid': true,
      'aria-describedby': after.ids.error,
    });
    expect(after.getAccountIdErrorProps()).toMatchObject({ id: after.ids.error, hidden: false });
    expect(after.accountIdError).toContain('has 2');
  });

  it('submitting the form prevents the page load and sends ACCOUNT_ID.SUBMIT', async () => {
    const flow = startFlow();
    view(flow).setAccountId(ACCOUNT_ID);
    const submit = domEvent('submit');
    view(flow).getFormProps().onSubmit(submit);
    expect(submit.defaultPrevented).toBe(true);
    expect(view(flow).isCreatingSession).toBe(true);
    expect(view(flow).getSubmitButtonProps()).toMatchObject({ disabled: true, 'aria-busy': true });
    await tick();
    expect(view(flow).step).toBe('ready');
  });

  it('uses an id prefix so two flows on one page do not clash', () => {
    const api = connect(startFlow().snapshot, () => {}, { id: 'r1' });
    expect(api.getAccountIdInputProps().id).toBe('r1-account-id');
    expect(api.getStatusProps().id).toBe('r1-status');
  });

  it('translates the account ID error and status lines with messages overrides', () => {
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '12' });
    flow.send({ type: 'ACCOUNT_ID.SUBMIT' });
    const api = view(flow, {
      messages: {
        'accountId.wrongLength': 'Falsche Länge: {count}',
        'status.editing': 'Konto-ID eingeben',
      },
    });
    expect(api.accountIdError).toBe('Falsche Länge: 2');
    expect(api.statusMessage).toBe('Konto-ID eingeben');
  });
});

describe('connect(): launching', () => {
  it('gives anchor props for the quick-create link; a click sends STACK.LAUNCHED', async () => {
    const flow = startFlow();
    await toReady(flow);
    const api = view(flow);
    expect(api.quickCreateUrl).toBe(sessionFor().quickCreateUrl);
    const link = api.getLaunchLinkProps();
    expect(link).toMatchObject({
      href: sessionFor().quickCreateUrl,
      target: '_blank',
      rel: 'noopener noreferrer',
      'aria-disabled': false,
      'data-part': 'launch-link',
      'data-state': 'ready',
    });
    link.onClick(domEvent());
    expect(view(flow).isVerifying).toBe(true);
    expect(flow.emittedTypes()).toContain('stack.launched');
  });

  it('has no href and sends nothing before a session exists', () => {
    const sent: CloudConnectEvent[] = [];
    const api = connect(startFlow().snapshot, (e) => sent.push(e));
    const link = api.getLaunchLinkProps();
    expect(link.href).toBeUndefined();
    expect(link['aria-disabled']).toBe(true);
    link.onClick(domEvent());
    expect(sent).toEqual([]);
  });

  it('launchInPopup reports popupBlocked when window.open returns null', async () => {
    const flow = startFlow();
    await toReady(flow);
    const open = vi.fn(() => null);
    expect(view(flow).launchInPopup(open)).toBe(false);
    expect(open).toHaveBeenCalledWith(sessionFor().quickCreateUrl, '_blank');
    expect(view(flow).popupBlocked).toBe(true);
    expect(flow.emittedTypes()).toContain('popup.blocked');
    // The UI falls back to the link, which still works.
    expect(view(flow).getLaunchLinkProps().href).toBe(sessionFor().quickCreateUrl);
  });

  it('launchInPopup cuts the opener of a window it opened', async () => {
    const flow = startFlow();
    await toReady(flow);
    const opened = { opener: {} as unknown };
    expect(view(flow).launchInPopup(() => opened)).toBe(true);
    expect(opened.opener).toBeNull();
    expect(view(flow).popupBlocked).toBe(false);
  });
});

describe('connect(): status and progress', () => {
  it('announces status politely and follows the steps', async () => {
    const flow = startFlow({
      script: {
        checkConnection: (_, n) =>
          n < 40 ? { status: 'pending', reason: 'not-assumable' } : CONNECTED,
      },
    });
    expect(view(flow).getStatusProps()).toMatchObject({
      role: 'status',
      'aria-live': 'polite',
      'aria-atomic': true,
      'data-part': 'status',
    });
    expect(view(flow).statusMessage).toBe(messageFor('status.editing'));
    await toVerifying(flow);
    expect(view(flow)).toMatchObject({ isVerifying: true, isSlow: false, step: 'verifying' });
    expect(view(flow).statusMessage).toBe(messageFor('status.verifying'));
    await tick(300_000);
    expect(view(flow).isSlow).toBe(true);
    expect(view(flow).statusMessage).toBe(messageFor('status.slow'));
    await tick(600_000);
    expect(view(flow).isConnected).toBe(true);
    expect(view(flow).statusMessage).toBe('Connected to AWS account 1234-5678-9012.');
    expect(view(flow).getRootProps()['data-state']).toBe('connected');
  });

  it('shows the error as status when a step failed, with retry enabled', async () => {
    const flow = startFlow({ input: { timing: { timeoutMs: 20_000 } } });
    await toVerifying(flow);
    await tick(20_000);
    const api = view(flow);
    expect(api.isTimedOut).toBe(true);
    expect(api.error?.code).toBe('TIMED_OUT');
    expect(api.statusMessage).toBe(messageFor('error.TIMED_OUT'));
    expect(api.canRetry).toBe(true);
    expect(api.getRetryButtonProps().disabled).toBe(false);
    expect(view(flow, { messages: { 'error.TIMED_OUT': 'Zeit abgelaufen' } }).error?.message).toBe(
      'Zeit abgelaufen',
    );
    api.getRetryButtonProps().onClick(domEvent());
    expect(view(flow).isVerifying).toBe(true);
  });

  it('disables buttons whose event does nothing in the current state', () => {
    const api = view(startFlow());
    expect(api.getRetryButtonProps().disabled).toBe(true);
    expect(api.getRevokeButtonProps().disabled).toBe(true);
    expect(api.getVerifyButtonProps().disabled).toBe(true);
  });
});

describe('connect(): revoking', () => {
  const connection = EXISTING_CONNECTION;

  it('walks from the revoke button through blockers and the stacks-console link to revoked', async () => {
    const flow = startFlow({
      input: { connection },
      script: {
        listBlockers: (_, n) => (n === 1 ? [{ id: 'c', kind: 'cluster', name: 'prod' }] : []),
      },
    });
    expect(view(flow).connection).toEqual(connection);
    view(flow).getRevokeButtonProps().onClick(domEvent());
    await tick();
    expect(view(flow)).toMatchObject({ isRevoking: true, isRevokeBlocked: true, step: 'blocked' });
    expect(view(flow).blockers).toHaveLength(1);
    expect(view(flow).getBlockerListProps().hidden).toBe(false);
    expect(view(flow).statusMessage).toBe(messageFor('error.REVOKE_BLOCKED'));
    view(flow).getRecheckBlockersButtonProps().onClick(domEvent());
    await tick();
    const api = view(flow);
    expect(api.step).toBe('deletingStack');
    expect(api.quickCreateUrl).toBeNull();
    const link = api.getStacksConsoleLinkProps();
    expect(link).toMatchObject({
      href: sessionFor().stacksConsoleUrl,
      target: '_blank',
      rel: 'noopener noreferrer',
    });
    link.onClick(domEvent());
    expect(view(flow).step).toBe('confirming');
    await tick(5_000);
    expect(view(flow).isRevoked).toBe(true);
    expect(view(flow).statusMessage).toBe(
      'Porter no longer has access to AWS account 1234-5678-9012.',
    );
  });

  it('the cancel-revoke button returns to connected', async () => {
    const flow = startFlow({ input: { connection } });
    view(flow).startRevoke();
    view(flow).getCancelRevokeButtonProps().onClick(domEvent());
    expect(view(flow).isConnected).toBe(true);
  });
});

describe('connect(): handlers take the DOM event', () => {
  // What a browser does for a click on a submit button inside a form (or Enter in its input):
  // the button's click handler, if any, then the form's submit handler.
  function clickSubmit(api: ReturnType<typeof view>) {
    const click = domEvent();
    const button = api.getSubmitButtonProps() as { onClick?: (event: Event) => void };
    button.onClick?.(click);
    api.getFormProps().onSubmit(domEvent('submit'));
  }

  it('sends ACCOUNT_ID.SUBMIT once per click on the submit button', () => {
    const sent: CloudConnectEvent[] = [];
    const flow = startFlow();
    flow.send({ type: 'ACCOUNT_ID.CHANGE', value: '12' });
    clickSubmit(connect(flow.snapshot, (event) => sent.push(event)));
    expect(sent).toEqual([{ type: 'ACCOUNT_ID.SUBMIT' }]);
    expect(view(flow).getSubmitButtonProps()).not.toHaveProperty('onClick');
  });

  it('does nothing when the host prevented the default first', async () => {
    const sent: CloudConnectEvent[] = [];
    const flow = startFlow({ input: { connection: EXISTING_CONNECTION } });
    await tick();
    const api = connect(flow.snapshot, (event) => sent.push(event));
    const form = preventedEvent('submit');
    api.getFormProps().onSubmit(form);
    const input = api.getAccountIdInputProps();
    input.onChange(inputEvent('1', preventedEvent('input')));
    input.onBlur(preventedEvent('blur'));
    for (const props of [
      api.getVerifyButtonProps(),
      api.getRetryButtonProps(),
      api.getEditButtonProps(),
      api.getCancelButtonProps(),
      api.getRevokeButtonProps(),
      api.getRecheckBlockersButtonProps(),
      api.getCancelRevokeButtonProps(),
    ]) {
      props.onClick(preventedEvent());
    }
    for (const props of [api.getLaunchLinkProps(), api.getStacksConsoleLinkProps()]) {
      props.onClick(preventedEvent());
      props.onAuxClick(preventedEvent('auxclick', { button: 1 }));
    }
    expect(sent).toEqual([]);
    // The same clicks, not prevented, do send (the revoke button is enabled here).
    api.getRevokeButtonProps().onClick(domEvent());
    expect(sent).toEqual([{ type: 'REVOKE.START' }]);
  });

  it('a prevented link click does not count as a launch', async () => {
    const flow = startFlow();
    await toReady(flow);
    view(flow).getLaunchLinkProps().onClick(preventedEvent());
    expect(view(flow).step).toBe('ready');
    view(flow).getLaunchLinkProps().onClick(domEvent());
    expect(view(flow).step).toBe('verifying');
  });

  it('a middle click on the launch link launches; a right click (context menu) does not', async () => {
    const flow = startFlow();
    await toReady(flow);
    view(flow)
      .getLaunchLinkProps()
      .onAuxClick(domEvent('auxclick', { button: 2 }));
    expect(view(flow).step).toBe('ready');
    view(flow)
      .getLaunchLinkProps()
      .onAuxClick(domEvent('auxclick', { button: 1 }));
    expect(view(flow).step).toBe('verifying');
  });
});
