// Removing Porter's access from the Cloud account page: clusters first, then the stack.
import { describe, expect, it } from 'vitest';
import {
  axeViolations,
  connectAndOpenAccountPage,
  deleteStackInConsole,
  screenshot,
  setUpDemoPerTest,
} from './demo-browser';

// Health checks every second, so a stack deleted behind the app's back shows at once.
const current = setUpDemoPerTest({ flowTiming: { healthIntervalMs: 1000 } });

/** The connection the server lists for this browser's tenant, or null. */
async function listedConnection(): Promise<unknown> {
  const { context, demo } = current;
  const response = await context.request.get(demo.url('/api/cloud-connect/connection'));
  return ((await response.json()) as { connection: unknown }).connection;
}

describe('revoking access', () => {
  it('is blocked while a cluster exists; after it is deleted, the stack is deleted in the console and access is gone', async () => {
    const { demo, context, page } = current;
    await connectAndOpenAccountPage(current);
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await page.getByText('cluster-1').waitFor();
    await screenshot(page, 'account-connected');
    await expect(axeViolations(page)).resolves.toEqual([]);

    await page.getByRole('button', { name: 'Remove access', exact: true }).click();
    const blockers = page.locator('[data-part="blocker-list"]');
    await blockers.getByText('cluster-1').waitFor();
    await expect(page.getByRole('link', { name: /Open the stack/ }).count()).resolves.toBe(0);
    // Said once, in the alert, with Northwind's words.
    await expect(page.getByText(/Northwind still runs these clusters/).count()).resolves.toBe(1);
    await screenshot(page, 'revoke-blocked');
    await expect(axeViolations(page)).resolves.toEqual([]);

    await page.getByRole('button', { name: 'Delete cluster cluster-1' }).click();
    const deleteLink = page.getByRole('link', {
      name: /Open the stack in the CloudFormation console/,
    });
    await deleteLink.waitFor();
    await screenshot(page, 'revoke-delete-stack');
    await expect(axeViolations(page)).resolves.toEqual([]);

    await deleteStackInConsole(context, demo, deleteLink);

    await page.bringToFront();
    await page.getByRole('heading', { name: 'Access removed' }).waitFor();
    await screenshot(page, 'revoke-revoked');
    await expect(axeViolations(page)).resolves.toEqual([]);
    // The server agrees: there is no connection left, so the navigation drops its badge.
    await page.getByRole('link', { name: 'Cloud account', exact: true }).waitFor();
  });

  it('keeps the connection when the user stops the removal while a cluster blocks it', async () => {
    const { page } = current;
    await connectAndOpenAccountPage(current);
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await page.getByText('cluster-1').waitFor();
    await page.getByRole('button', { name: 'Remove access', exact: true }).click();
    await page.locator('[data-part="blocker-list"]').getByText('cluster-1').waitFor();

    await page.getByRole('button', { name: 'Keep the connection' }).click();
    await page.getByRole('heading', { name: 'Connection' }).waitFor();
    await page.getByRole('button', { name: 'Remove access', exact: true }).waitFor();
    await expect(page.locator('[data-part="blocker-list"]').count()).resolves.toBe(0);
  });

  it('says access was lost when the stack is deleted behind its back, and the server records the removal', async () => {
    const { demo, page } = current;
    await connectAndOpenAccountPage(current);

    // What a restarted sandbox, or a person deleting the stack in the console, leaves behind.
    await demo.sandbox.customer.deleteStack('PorterRole');
    await demo.sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE');
    const alert = page.locator('[data-part="error-message"][data-code="ACCESS_LOST"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Porter can no longer assume the role');
    await screenshot(page, 'account-access-lost');
    await expect(axeViolations(page)).resolves.toEqual([]);

    // The stack's Delete events told the server, which confirmed the role is gone on its own:
    // nobody chose Remove access, yet the connection is no longer listed.
    await expect.poll(listedConnection, { timeout: 20_000 }).toBeNull();
    await page.reload();
    await page.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
  });

  it('records the removal with no page open: the stack deleted in the console ends the connection', async () => {
    const { demo, context, page } = current;
    await connectAndOpenAccountPage(current);
    await page.close();

    await demo.sandbox.customer.deleteStack('PorterRole');
    await demo.sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE');
    await expect.poll(listedConnection, { timeout: 20_000 }).toBeNull();
    const later = await context.newPage();
    await later.goto(demo.url('/account'));
    await later.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
  });
});
