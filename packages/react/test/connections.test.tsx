import type { ConnectedAccount } from '@porter/cloud-connect';
import { act, render, screen, within } from '@testing-library/react';
import axe from 'axe-core';
import { memo, Profiler, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  ConnectionList,
  ConnectionListItem,
  ConnectionListItemAction,
  useCloudConnections,
} from '../src';
import { connectionsStoreFor, REFETCH_ON_RETURN_MIN_GAP_MS } from '../src/connections-store';
import { ConnectionRow, ConnectionsPage } from '../stories/connections-page';
import { ExamplePage } from '../stories/example-page';
import { CONNECTED_CHECK, SCRIPTED_ACCOUNT_ID } from '../stories/scripted-backend';
import {
  createScriptedConnectionsBackend,
  type ScriptedConnectionsBackend,
  scriptedConnection,
} from '../stories/scripted-connections';

const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 10_000 });
const FAST = { revocationIntervalMs: 100 };
const renderInPage = (ui: ReactNode) => render(<main>{ui}</main>);

async function expectNoAxeViolations() {
  const { violations } = await axe.run(document.body, { resultTypes: ['violations'] });
  expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

const rowOf = (accountId: string) =>
  screen
    .getByText(accountId.replace(/(\d{4})(\d{4})(\d{4})/, '$1-$2-$3'))
    .closest('li') as HTMLElement;

const shownAccounts = () =>
  screen.queryAllByRole('listitem').map((item) => item.querySelector('strong')?.textContent);

// Another consumer of the same list on the page.
function Count({ backend }: { backend: ScriptedConnectionsBackend }) {
  const { connections } = useCloudConnections({ backend, limit: 2 });
  return <p>{connections.length} loaded</p>;
}

// Renders of each row's subtree, by account: a memo row with a Profiler inside.
const renders: Record<string, number> = {};
const CountedRow = memo(function CountedRow({ connection }: { connection: ConnectedAccount }) {
  return (
    <Profiler
      id={connection.accountId}
      onRender={() => {
        renders[connection.accountId] = (renders[connection.accountId] ?? 0) + 1;
      }}
    >
      <ConnectionRow connection={connection} />
    </Profiler>
  );
});

describe('useCloudConnections', () => {
  it('is loading, then lists the connections newest first', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [scriptedConnection(1), scriptedConnection(2)],
      latencyMs: 50,
    });
    renderInPage(<ConnectionsPage backend={backend} />);
    expect(screen.getByRole('status').textContent).toBe('Loading your AWS accounts…');
    await until(() => expect(shownAccounts()).toEqual(['1000-0000-0002', '1000-0000-0001']));
    expect(screen.queryByRole('status')).toBeNull();
    await expectNoAxeViolations();
  });

  it('shows the error of a failed list, and recovers on refetch', async () => {
    const backend = createScriptedConnectionsBackend({ listFails: 'UNAUTHORIZED' });
    renderInPage(<ConnectionsPage backend={backend} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/sign/i);
    await expectNoAxeViolations();
    backend.listConnections = createScriptedConnectionsBackend({
      connections: [scriptedConnection(3)],
    }).listConnections;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await until(() => expect(shownAccounts()).toEqual(['1000-0000-0003']));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shares one request among hooks on one backend, and pages with loadMore', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [1, 2, 3, 4, 5].map((n) => scriptedConnection(n)),
    });
    renderInPage(
      <>
        <Count backend={backend} />
        <ConnectionsPage backend={backend} limit={2} />
      </>,
    );
    await until(() => expect(shownAccounts()).toHaveLength(2));
    expect(backend.listCalls).toBe(1);
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await until(() => expect(shownAccounts()).toHaveLength(4));
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await until(() => expect(screen.getByText('5 loaded')).toBeTruthy());
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });

  it('refetches when a flow on the same page connects an account', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [scriptedConnection(1)],
      script: { checkConnection: [CONNECTED_CHECK] },
    });
    renderInPage(
      <>
        <ConnectionsPage backend={backend} />
        <ExamplePage backend={backend} timing={{ firstCheckMs: 100 }} />
      </>,
    );
    await until(() => expect(shownAccounts()).toEqual(['1000-0000-0001']));
    await userEvent.click(screen.getByLabelText('AWS account ID'));
    await userEvent.keyboard(`${SCRIPTED_ACCOUNT_ID}{Enter}`);
    // The server records the connection when its check succeeds; the list learns of it then.
    backend.connections.push(
      scriptedConnection(9, {
        accountId: SCRIPTED_ACCOUNT_ID,
        verifiedAt: CONNECTED_CHECK.verifiedAt,
      }),
    );
    act(() => screen.getByRole('link', { name: /Open the AWS console/ }).click());
    await screen.findByRole('heading', { name: 'AWS account connected' });
    await until(() => expect(shownAccounts()).toEqual(['1234-5678-9012', '1000-0000-0001']));
  });
});

describe('useCloudConnections when the user comes back to the page', () => {
  // The clock the minimum gap is measured on; `skipGap` moves it past the gap.
  let offset = 0;
  const skipGap = () => {
    offset += REFETCH_ON_RETURN_MIN_GAP_MS;
  };
  beforeEach(() => {
    offset = 0;
    const now = performance.now.bind(performance);
    vi.spyOn(performance, 'now').mockImplementation(() => now() + offset);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    // Back to the real (prototype) getter.
    Reflect.deleteProperty(document, 'visibilityState');
  });

  const setVisibility = (state: DocumentVisibilityState) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
  };
  const focusWindow = () =>
    act(() => {
      window.dispatchEvent(new FocusEvent('focus'));
    });
  const settled = () => expect(document.querySelector('[aria-busy="true"]')).toBeNull();
  // Long enough for a stray second request to have started.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('refetches once when the page shows again, and shows the new answer of the server', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [scriptedConnection(1), scriptedConnection(2)],
    });
    renderInPage(<ConnectionsPage backend={backend} />);
    await until(() => expect(shownAccounts()).toHaveLength(2));
    expect(backend.listCalls).toBe(1);

    // The PorterRole stack was deleted in the AWS console, in another tab.
    setVisibility('hidden');
    backend.connections = backend.connections.filter((c) => c.sessionId !== 'sess_2');
    skipGap();
    await pause();
    expect(backend.listCalls).toBe(1);
    setVisibility('visible');
    await until(() => expect(shownAccounts()).toEqual(['1000-0000-0001']));
    await until(settled);
    await pause();
    expect(backend.listCalls).toBe(2);
  });

  it('keeps the loaded pages and the unchanged rows on a refetch on focus', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [1, 2, 3, 4].map((n) => scriptedConnection(n)),
    });
    for (const id of Object.keys(renders)) delete renders[id];
    renderInPage(<ConnectionsPage backend={backend} limit={2} Row={CountedRow} />);
    await until(() => expect(shownAccounts()).toHaveLength(2));
    await userEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await until(() => expect(shownAccounts()).toHaveLength(4));
    await until(settled);
    for (const id of Object.keys(renders)) renders[id] = 0;
    const calls = backend.listCalls;

    backend.connections = backend.connections.filter((c) => c.sessionId !== 'sess_3');
    skipGap();
    focusWindow();
    await until(() =>
      expect(shownAccounts()).toEqual(['1000-0000-0004', '1000-0000-0002', '1000-0000-0001']),
    );
    await until(settled);
    // Both pages again, one request each.
    expect(backend.listCalls).toBe(calls + 2);
    for (const n of [1, 2, 4]) expect(renders[scriptedConnection(n).accountId]).toBe(0);
  });

  it('makes one request for a focus and a visibilitychange fired together', async () => {
    const backend = createScriptedConnectionsBackend({ connections: [scriptedConnection(1)] });
    renderInPage(<ConnectionsPage backend={backend} />);
    await until(() => expect(shownAccounts()).toHaveLength(1));
    await until(settled);

    skipGap();
    act(() => {
      window.dispatchEvent(new FocusEvent('focus'));
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await until(() => expect(backend.listCalls).toBe(2));
    await until(settled);
    // The same pair again right after the fetch ended: within the gap, nothing.
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new FocusEvent('focus'));
    });
    await pause();
    expect(backend.listCalls).toBe(2);
  });

  it('does not refetch within the minimum gap since the last fetch ended', async () => {
    const backend = createScriptedConnectionsBackend({ connections: [scriptedConnection(1)] });
    renderInPage(<ConnectionsPage backend={backend} />);
    await until(() => expect(shownAccounts()).toHaveLength(1));
    await until(settled);

    offset += REFETCH_ON_RETURN_MIN_GAP_MS - 1000;
    setVisibility('hidden');
    setVisibility('visible');
    focusWindow();
    await pause();
    expect(backend.listCalls).toBe(1);
    offset += 1000;
    focusWindow();
    await until(() => expect(backend.listCalls).toBe(2));
  });

  it('stops listening when the last hook unmounts, and fetches nothing without subscribers', async () => {
    const live = new Set<unknown>();
    const track = (target: Document | Window) => {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      vi.spyOn(target, 'addEventListener').mockImplementation((type, listener, options) => {
        if (type === 'visibilitychange' || type === 'focus') live.add(listener);
        add(type, listener, options);
      });
      vi.spyOn(target, 'removeEventListener').mockImplementation((type, listener, options) => {
        live.delete(listener);
        remove(type, listener, options);
      });
    };
    track(document);
    track(window);
    const backend = createScriptedConnectionsBackend({ connections: [scriptedConnection(1)] });
    const { rerender, unmount } = render(
      <>
        <Count backend={backend} />
        <Count backend={backend} />
      </>,
    );
    await until(() => expect(screen.getAllByText('1 loaded')).toHaveLength(2));
    expect(live.size).toBeGreaterThan(0);

    // One hook left: the list still follows the page.
    rerender(<Count backend={backend} />);
    skipGap();
    focusWindow();
    await until(() => expect(backend.listCalls).toBe(2));
    await pause();

    unmount();
    expect(live.size).toBe(0);
    skipGap();
    setVisibility('hidden');
    setVisibility('visible');
    focusWindow();
    // A list nobody ever subscribed to does not fetch either.
    const unused = createScriptedConnectionsBackend({ connections: [scriptedConnection(1)] });
    connectionsStoreFor(unused, 2);
    focusWindow();
    await pause();
    expect(backend.listCalls).toBe(2);
    expect(unused.listCalls).toBe(0);
  });
});

describe('ConnectionList and ConnectionListItem', () => {
  it('revoke one account from its row: it leaves the list, and the other rows never re-render', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [1, 2, 3].map((n) => scriptedConnection(n)),
      script: { checkRevocation: [{ status: 'revoked' }] },
    });
    for (const id of Object.keys(renders)) delete renders[id];
    renderInPage(<ConnectionsPage backend={backend} timing={FAST} Row={CountedRow} />);
    await until(() => expect(shownAccounts()).toHaveLength(3));
    for (const id of Object.keys(renders)) renders[id] = 0;

    const row = rowOf(scriptedConnection(2).accountId);
    await userEvent.click(within(row).getByRole('button', { name: 'Remove access' }));
    expect(row.getAttribute('data-state')).toBe('revoke');
    const link = await within(row).findByRole('link', { name: /delete it/ });
    await expectNoAxeViolations();
    act(() => link.click());
    await until(() => expect(shownAccounts()).toEqual(['1000-0000-0003', '1000-0000-0001']));

    expect(renders[scriptedConnection(2).accountId]).toBeGreaterThan(0);
    expect(renders[scriptedConnection(1).accountId]).toBe(0);
    expect(renders[scriptedConnection(3).accountId]).toBe(0);
    expect(backend.count('checkRevocation')).toBeGreaterThan(0);
  });

  it('re-checks one account from its row and shows the refreshed health', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [scriptedConnection(1), scriptedConnection(2)],
      script: { checkConnection: [{ status: 'pending', reason: 'not-assumable' }] },
    });
    renderInPage(<ConnectionsPage backend={backend} />);
    await until(() => expect(shownAccounts()).toHaveLength(2));
    const row = rowOf(scriptedConnection(1).accountId);
    const recheck = within(row).getByRole('button', { name: 'Check again' });
    expect(recheck.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(recheck);
    expect(recheck.getAttribute('aria-expanded')).toBe('true');
    const flow = document.getElementById(recheck.getAttribute('aria-controls') ?? '');
    expect(flow?.getAttribute('data-part')).toBe('connection-list-item-flow');
    await until(() =>
      expect(rowOf(scriptedConnection(1).accountId).getAttribute('data-health')).toBe('pending'),
    );
    expect(
      within(rowOf(scriptedConnection(1).accountId)).getByText(/could not be confirmed/),
    ).toBeTruthy();
    expect(rowOf(scriptedConnection(2).accountId).getAttribute('data-health')).toBe('connected');
    await expectNoAxeViolations();

    await userEvent.click(
      within(rowOf(scriptedConnection(1).accountId)).getByRole('button', { name: 'Close' }),
    );
    expect(
      rowOf(scriptedConnection(1).accountId).querySelector(
        '[data-part="connection-list-item-flow"]',
      ),
    ).toBeNull();
  });

  it('checks again when Check again is pressed while the last check still shows', async () => {
    const backend = createScriptedConnectionsBackend({
      connections: [scriptedConnection(1)],
      script: {
        checkConnection: [{ status: 'pending', reason: 'not-assumable' }, CONNECTED_CHECK],
      },
    });
    renderInPage(<ConnectionsPage backend={backend} />);
    await until(() => expect(shownAccounts()).toHaveLength(1));
    const row = () => rowOf(scriptedConnection(1).accountId);
    const recheck = within(row()).getByRole('button', { name: 'Check again' });
    await userEvent.click(recheck);
    await until(() => expect(row().getAttribute('data-health')).toBe('pending'));

    await userEvent.click(recheck);
    await until(() => expect(row().getAttribute('data-health')).toBe('connected'));
    expect(within(row()).queryByText(/could not be confirmed/)).toBeNull();
    expect(backend.count('checkConnection')).toBe(2);
  });

  it('render the host element with asChild, carrying the data attributes', async () => {
    const backend = createScriptedConnectionsBackend();
    const connection = scriptedConnection(1, { updateDue: true });
    render(
      <ConnectionList backend={backend} asChild>
        <ol className="host-list">
          <ConnectionListItem connection={connection} asChild>
            <li className="host-item">
              <ConnectionListItemAction action="revoke" asChild>
                <button type="button" className="host-button">
                  Disconnect
                </button>
              </ConnectionListItemAction>
            </li>
          </ConnectionListItem>
        </ol>
      </ConnectionList>,
    );
    const list = screen.getByRole('list');
    expect(list.tagName).toBe('OL');
    expect(list.getAttribute('data-part')).toBe('connection-list');
    const item = screen.getByRole('listitem');
    expect(item.className).toBe('host-item');
    expect(item.hasAttribute('data-update-due')).toBe(true);
    expect(item.getAttribute('data-state')).toBe('closed');
    await userEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    expect(item.getAttribute('data-state')).toBe('revoke');
  });

  it('say clearly when an action is used outside its item', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<ConnectionListItemAction action="revoke" />)).toThrow(/ConnectionList/);
    vi.mocked(console.error).mockRestore();
  });
});
