import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import { ConnectionsPage } from './connections-page';
import {
  createScriptedConnectionsBackend,
  type ScriptedConnectionsBackend,
  scriptedConnection,
} from './scripted-connections';

type StoryArgs = { backend: () => ScriptedConnectionsBackend };

// Revocation confirms after 300 ms rather than 5 s.
const FAST = { revocationIntervalMs: 300 };

const meta = {
  title: 'Cloud Connect/Connections',
  // A new backend per render, so each story starts from its own tenant.
  render: ({ backend }) => <ConnectionsPage backend={backend()} timing={FAST} />,
  decorators: [
    (Story) => (
      <main>
        <Story />
      </main>
    ),
  ],
} satisfies Meta<StoryArgs>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A tenant without connections. */
export const Empty: Story = {
  args: { backend: () => createScriptedConnectionsBackend({ latencyMs: 100 }) },
  play: async ({ canvas }) => {
    await expect(await canvas.findByText('No AWS account is connected yet.')).toBeVisible();
    await expect(canvas.queryByRole('list')).toBeNull();
  },
};

/** One connected account; removing access revokes it and it leaves the list. */
export const One: Story = {
  args: {
    backend: () =>
      createScriptedConnectionsBackend({
        connections: [scriptedConnection(1)],
        script: { checkRevocation: [{ status: 'revoked' }], latencyMs: 100 },
      }),
  },
  play: async ({ canvas, userEvent }) => {
    await expect(await canvas.findByText('1000-0000-0001')).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Remove access' }));
    const link = await canvas.findByRole('link', { name: /delete it/ });
    link.click();
    await waitFor(
      () => expect(canvas.getByText('No AWS account is connected yet.')).toBeVisible(),
      {
        timeout: 10_000,
      },
    );
  },
};

/** Several accounts (one on an old template, one whose last check failed), paged by 3. */
export const Many: Story = {
  args: {
    backend: () =>
      createScriptedConnectionsBackend({
        connections: [
          scriptedConnection(1, { templateVersion: '0.9.0', updateDue: true }),
          scriptedConnection(2, {
            lastHealthCheck: { checkedAt: '2026-01-06T00:00:00.000Z', status: 'pending' },
          }),
          ...[3, 4, 5, 6, 7].map((n) => scriptedConnection(n)),
        ],
        latencyMs: 100,
      }),
  },
  render: ({ backend }) => <ConnectionsPage backend={backend()} limit={3} />,
  play: async ({ canvas, userEvent }) => {
    await waitFor(() => expect(canvas.getAllByRole('listitem')).toHaveLength(3));
    await userEvent.click(canvas.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(canvas.getAllByRole('listitem')).toHaveLength(6));
    await userEvent.click(canvas.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(canvas.getAllByRole('listitem')).toHaveLength(7));
    await expect(canvas.getByText(/Stack update due/)).toBeVisible();
    await expect(canvas.getByText(/Access could not be confirmed/)).toBeVisible();
    await expect(canvas.queryByRole('button', { name: 'Show more' })).toBeNull();
  },
};

/** Listing failed: the error and a way to try again. */
export const ListError: Story = {
  args: {
    backend: () => createScriptedConnectionsBackend({ listFails: 'NETWORK', latencyMs: 100 }),
  },
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert');
    await expect(alert).toHaveTextContent(/connection/i);
    await expect(canvas.getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};
