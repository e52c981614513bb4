import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, waitFor } from 'storybook/test';
import type { UseCloudConnectOptions } from '../src';
import { ExamplePage, type ExamplePageProps } from './example-page';
import {
  type BackendScript,
  CONNECTED_CHECK,
  createScriptedBackend,
  PENDING_CHECK,
  SCRIPTED_ACCOUNT_ID,
} from './scripted-backend';

/** What a story sets: the backend's script, and the page's and flow's options. */
type StoryArgs = ExamplePageProps &
  Omit<UseCloudConnectOptions, 'backend'> & {
    script?: BackendScript;
  };

const meta = {
  title: 'Cloud Connect/Flow',
  // A new scripted backend per render, so each story plays its script from the start.
  render: ({ script, ...props }) => (
    <ExamplePage backend={createScriptedBackend({ latencyMs: 150, ...script })} {...props} />
  ),
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
type Canvas = Parameters<NonNullable<Story['play']>>[0]['canvas'];
type UserEvent = Parameters<NonNullable<Story['play']>>[0]['userEvent'];

const connection = {
  accountId: SCRIPTED_ACCOUNT_ID,
  roleArn: CONNECTED_CHECK.roleArn,
  verifiedAt: CONNECTED_CHECK.verifiedAt,
  sessionId: 'sess_scripted',
};

async function submit(canvas: Canvas, userEvent: UserEvent, value = '1234-5678-9012') {
  await userEvent.type(canvas.getByLabelText('AWS account ID'), value);
  await userEvent.click(canvas.getByRole('button', { name: 'Continue' }));
}

// The link opens the AWS console in a new tab; a script's click lets the browser block that tab
// (nothing to load in a test) while the page still records the launch.
async function launch(canvas: Canvas) {
  const link = await canvas.findByRole('link', { name: /Open the AWS console/ });
  link.click();
}

async function startRevoking(canvas: Canvas, userEvent: UserEvent) {
  await userEvent.click(canvas.getByRole('button', { name: 'Remove access' }));
}

/** The first screen: the account ID field. */
export const Editing: Story = {
  args: {},
  play: async ({ canvas }) => {
    await expect(canvas.getByRole('heading', { name: 'Connect your AWS account' })).toBeVisible();
  },
};

/** A submitted ID with five digits: the field says what is wrong, tied to the input. */
export const InvalidId: Story = {
  args: {},
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent, '12345');
    const input = canvas.getByLabelText('AWS account ID');
    await waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    await expect(canvas.getByText(/exactly 12 digits/)).toBeVisible();
  },
};

/** The server could not create the session: the error and a retry. */
export const SessionError: Story = {
  args: { script: { createSession: { throws: 'SESSION_FAILED' } } },
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await expect(await canvas.findByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/** The quick-create link is ready, with what the role may do. */
export const Launch: Story = {
  args: {},
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await expect(await canvas.findByRole('link', { name: /Open the AWS console/ })).toBeVisible();
    await expect(canvas.getByText('EKS clusters')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Check now' })).toBeEnabled();
    await expect(canvas.getByRole('button', { name: 'Change the account ID' })).toBeEnabled();
  },
};

/** The popup variant, whose popup the browser blocked: the link takes over and says so. */
export const PopupBlocked: Story = {
  args: { popup: true, open: () => null },
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await userEvent.click(await canvas.findByRole('link', { name: /Open the AWS console/ }));
    await expect(await canvas.findByRole('link', { name: /blocked the new window/ })).toBeVisible();
  },
};

/** Launched: the flow checks the role until it can be assumed ("Check now" checks at once). */
export const Verifying: Story = {
  args: { script: { checkConnection: [PENDING_CHECK] } },
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await launch(canvas);
    await waitFor(() =>
      expect(canvas.getByRole('status')).toHaveTextContent(/Waiting for the stack/),
    );
  },
};

/** Taking longer than usual: troubleshooting shows, checks go on. */
export const Slow: Story = {
  args: { script: { checkConnection: [PENDING_CHECK] }, timing: { slowAfterMs: 300 } },
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await launch(canvas);
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(/longer than usual/));
    await expect(canvas.getByText(/acknowledges IAM resources/)).toBeVisible();
  },
};

/** Checks stopped after the timeout: the error, and a retry that resumes them. */
export const TimedOut: Story = {
  args: { script: { checkConnection: [PENDING_CHECK] }, timing: { timeoutMs: 400 } },
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await launch(canvas);
    const alert = await canvas.findByRole('alert', {}, { timeout: 3000 });
    await waitFor(() => expect(alert).toHaveAttribute('data-code', 'TIMED_OUT'));
  },
};

/** The role can be assumed without its ExternalId: refused, the stack must be recreated. */
export const ExternalIdNotEnforced: Story = {
  args: {
    script: {
      checkConnection: [{ status: 'failed', code: 'EXTERNAL_ID_NOT_ENFORCED', message: '' }],
    },
    timing: { firstCheckMs: 0 },
  },
  play: async ({ canvas, userEvent }) => {
    await submit(canvas, userEvent);
    await launch(canvas);
    const alert = await canvas.findByRole('alert', {}, { timeout: 3000 });
    await waitFor(() => expect(alert).toHaveAttribute('data-code', 'EXTERNAL_ID_NOT_ENFORCED'));
  },
};

/** An existing connection: the account, the role and when it was verified. */
export const Connected: Story = {
  args: { connection },
  play: async ({ canvas }) => {
    await expect(canvas.getByText('1234-5678-9012')).toBeVisible();
    await expect(canvas.getByText(CONNECTED_CHECK.roleArn)).toBeVisible();
  },
};

/** A health re-check found the role gone. */
export const AccessLost: Story = {
  args: {
    connection,
    timing: { healthIntervalMs: 200 },
    script: { checkConnection: [PENDING_CHECK] },
  },
  play: async ({ canvas }) => {
    const alert = await canvas.findByRole('alert', {}, { timeout: 3000 });
    await waitFor(() => expect(alert).toHaveAttribute('data-code', 'ACCESS_LOST'));
  },
};

/** Revoking while clusters still run in the account: they are listed, with a re-check. */
export const RevokeBlockedByClusters: Story = {
  args: {
    connection,
    script: {
      listBlockers: [
        [
          { id: 'c1', kind: 'cluster', name: 'production', href: '#production' },
          { id: 'c2', kind: 'cluster', name: 'staging', href: '#staging' },
        ],
      ],
    },
  },
  play: async ({ canvas, userEvent }) => {
    await startRevoking(canvas, userEvent);
    await expect(await canvas.findByRole('link', { name: 'production' })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Check again' })).toBeEnabled();
    await expect(canvas.getByRole('button', { name: 'Keep the connection' })).toBeEnabled();
  },
};

/** Nothing blocks: the user deletes the stack, and the flow waits for the deletion. */
export const AwaitingDeletion: Story = {
  args: { connection, script: { checkRevocation: [{ status: 'pending' }] } },
  play: async ({ canvas, userEvent }) => {
    await startRevoking(canvas, userEvent);
    const link = await canvas.findByRole('link', { name: /delete it/ });
    await waitFor(() => expect(link).toHaveAttribute('aria-disabled', 'false'));
    link.click();
    await waitFor(() =>
      expect(canvas.getByRole('status')).toHaveTextContent(/Waiting for the stack to be deleted/),
    );
  },
};

/** The stack is gone: Porter's access is revoked. */
export const Revoked: Story = {
  args: {
    connection,
    timing: { revocationIntervalMs: 100 },
    script: { checkRevocation: [{ status: 'revoked' }] },
  },
  play: async ({ canvas, userEvent }) => {
    await startRevoking(canvas, userEvent);
    const link = await canvas.findByRole('link', { name: /delete it/ });
    await waitFor(() => expect(link).toHaveAttribute('aria-disabled', 'false'));
    link.click();
    await expect(await canvas.findByRole('heading', { name: 'Access removed' })).toBeVisible();
  },
};
