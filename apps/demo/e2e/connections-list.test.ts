// The Cloud account page's list of the tenant's connected AWS accounts, as a person uses it:
// empty, one account with its actions, Check again, a stack deleted behind the app's back,
// Remove access from the account's row, and another tenant's browser.
import type { ConnectedAccount, ListConnectionsResponse } from '@porter/cloud-connect';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  axeViolations,
  CUSTOMER_ACCOUNT,
  connectAndOpenAccountPage,
  type DemoUnderTest,
  deleteStackInConsole,
  screenshot,
  setUpDemoPerTest,
} from './demo-browser';

const current = setUpDemoPerTest();

/** The connections the server lists for the context's tenant (GET /connections). */
async function listedConnections(
  context: BrowserContext,
  demo: DemoUnderTest,
): Promise<ConnectedAccount[]> {
  const response = await context.request.get(demo.url('/api/cloud-connect/connections'));
  expect(response.status()).toBe(200);
  return ((await response.json()) as ListConnectionsResponse).connections;
}

/** When the server last checked the one connection it lists for the running test's tenant. */
async function lastCheckedAt(): Promise<string | undefined> {
  const [connection] = await listedConnections(current.context, current.demo);
  return connection?.lastHealthCheck?.checkedAt;
}

/** The "Connected AWS accounts" section, its rows, and the row of the sandbox's customer account. */
function accountsList(page: Page) {
  const section = page.getByRole('region', { name: 'Connected AWS accounts' });
  const rows = section.getByRole('listitem');
  return { section, rows, row: rows.filter({ hasText: CUSTOMER_ACCOUNT }) };
}

/** The row's buttons, by the names a screen reader gives them. */
function rowActions(page: Page) {
  return {
    checkAgain: page.getByRole('button', {
      name: `Check again for ${CUSTOMER_ACCOUNT}`,
      exact: true,
    }),
    removeAccess: page.getByRole('button', {
      name: `Remove access to ${CUSTOMER_ACCOUNT}`,
      exact: true,
    }),
    close: page.getByRole('button', { name: `Close ${CUSTOMER_ACCOUNT}`, exact: true }),
  };
}

describe('the connected accounts list', () => {
  it('shows the empty state before any account is connected', async () => {
    const { demo, context, page } = current;
    await page.goto(demo.url('/account'));
    await page.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
    await expect(page.getByRole('link', { name: 'Connect AWS' }).count()).resolves.toBe(2);
    await expect(accountsList(page).rows.count()).resolves.toBe(0);
    await expect(listedConnections(context, demo)).resolves.toEqual([]);
    await expect(axeViolations(page)).resolves.toEqual([]);
  });

  it('lists exactly the connected account, with its actions named for it', async () => {
    const { demo, context, page } = current;
    await connectAndOpenAccountPage(current);
    const { rows, row } = accountsList(page);
    await row.waitFor();

    const listed = await listedConnections(context, demo);
    expect(listed).toHaveLength(1);
    const [connection] = listed;
    expect(connection).toMatchObject({
      accountId: CUSTOMER_ACCOUNT.replaceAll('-', ''),
      roleArn: 'arn:aws:iam::123456789012:role/porter-manager',
      updateDue: false,
      lastHealthCheck: { status: 'connected' },
    });
    expect(Date.parse(connection?.verifiedAt ?? '')).not.toBeNaN();
    await expect(rows.count()).resolves.toBe(1);
    // What the row shows of it: the formatted account ID and the stack's template version.
    await row.getByText(CUSTOMER_ACCOUNT, { exact: true }).waitFor();
    await row.getByText(`Template ${connection?.templateVersion}`, { exact: true }).waitFor();
    await expect(row.getAttribute('data-health')).resolves.toBe('connected');
    await expect(row.getAttribute('data-state')).resolves.toBe('closed');
    await expect(row.getAttribute('data-update-due')).resolves.toBeNull();

    const { checkAgain, removeAccess, close } = rowActions(page);
    await expect(checkAgain.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(removeAccess.getAttribute('aria-expanded')).resolves.toBe('false');
    // Close is hidden while no flow is open.
    await expect(close.count()).resolves.toBe(0);
    await screenshot(page, 'connections-list');
    await expect(axeViolations(page)).resolves.toEqual([]);
  });

  it('checks the account again each time Check again is pressed, and shows what the server recorded', async () => {
    const { page } = current;
    await connectAndOpenAccountPage(current);
    const { row } = accountsList(page);
    const { checkAgain, close } = rowActions(page);
    const connectedAt = await lastCheckedAt();
    expect(connectedAt).toBeDefined();

    await checkAgain.click();
    await expect(checkAgain.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(row.getAttribute('data-state')).resolves.toBe('recheck');
    const status = row.getByRole('status').filter({ hasText: /\S/ });
    await status.filter({ hasText: `Connected to AWS account ${CUSTOMER_ACCOUNT}.` }).waitFor();
    // A check offers nothing to delete.
    await expect(row.getByRole('link').count()).resolves.toBe(0);
    await expect.poll(lastCheckedAt).not.toBe(connectedAt);
    const firstCheck = await lastCheckedAt();
    // The row shows the check the server recorded: refetched once the check ended.
    const [checked] = await listedConnections(current.context, current.demo);
    expect(checked?.lastHealthCheck).toEqual({ checkedAt: firstCheck, status: 'connected' });
    await expect(row.getAttribute('data-health')).resolves.toBe('connected');
    await expect(axeViolations(page)).resolves.toEqual([]);

    // Pressed again while the result is on screen, it checks again.
    await checkAgain.click();
    await expect.poll(lastCheckedAt).not.toBe(firstCheck);
    await expect(row.getAttribute('data-health')).resolves.toBe('connected');

    await close.click();
    await expect(row.getAttribute('data-state')).resolves.toBe('closed');
    await expect(row.getByRole('status').count()).resolves.toBe(0);
    await expect(checkAgain.getAttribute('aria-expanded')).resolves.toBe('false');
  });

  it('drops the account whose stack was deleted behind the app’s back once Check again finds it gone', async () => {
    const { demo, context, page } = current;
    await connectAndOpenAccountPage(current);
    const { section, row } = accountsList(page);
    await row.waitFor();

    await demo.sandbox.customer.deleteStack('PorterRole');
    await demo.sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE');
    // The stack's Delete events told the server, which confirmed the role is gone on its own.
    await expect.poll(() => listedConnections(context, demo), { timeout: 20_000 }).toEqual([]);
    // The page fetched its list before that: the row is still there until something checks.
    await expect(row.getAttribute('data-health')).resolves.toBe('connected');

    await rowActions(page).checkAgain.click();
    await row.waitFor({ state: 'detached' });
    await section.getByText('No AWS account is connected.').waitFor();
    // The page's connection says why: Porter lost access to the account.
    const alert = page.locator('[data-part="error-message"][data-code="ACCESS_LOST"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('Porter can no longer assume the role');
    await expect(axeViolations(page)).resolves.toEqual([]);

    await page.reload();
    await page.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
  });

  it('removes access from the row: clusters first, then the stack; the account leaves the list', async () => {
    const { demo, context, page } = current;
    await connectAndOpenAccountPage(current);
    const { section, row } = accountsList(page);
    const { removeAccess } = rowActions(page);
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await page.getByText('cluster-1').waitFor();

    await removeAccess.click();
    await expect(removeAccess.getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(row.getAttribute('data-state')).resolves.toBe('revoke');
    const blocked = row.getByRole('alert').filter({ hasText: /Delete these clusters/ });
    await blocked.waitFor();
    await row.getByRole('link', { name: 'cluster-1' }).waitFor();
    // Nothing to delete yet; the row's flow stays inside the list's card.
    await expect(row.getByRole('link', { name: /Open the stack/ }).count()).resolves.toBe(0);
    const flowBox = await row.locator('[data-part="connection-list-item-flow"]').boundingBox();
    const sectionBox = await section.boundingBox();
    expect(flowBox && sectionBox && flowBox.x + flowBox.width).toBeLessThanOrEqual(
      (sectionBox?.x ?? 0) + (sectionBox?.width ?? 0),
    );
    await screenshot(page, 'connections-list-revoke-blocked');
    await expect(axeViolations(page)).resolves.toEqual([]);

    // Deleting the cluster where Northwind lists them lets the row's removal go on.
    await page.getByRole('button', { name: 'Delete cluster cluster-1' }).click();
    const deleteLink = row.getByRole('link', { name: /Open the stack in the CloudFormation/ });
    await deleteLink.waitFor();
    await expect(row.getByRole('link', { name: 'cluster-1' }).count()).resolves.toBe(0);
    await expect(axeViolations(page)).resolves.toEqual([]);

    await deleteStackInConsole(context, demo, deleteLink);

    await page.bringToFront();
    await row.waitFor({ state: 'detached' });
    await section.getByText('No AWS account is connected.').waitFor();
    await expect(listedConnections(context, demo)).resolves.toEqual([]);
    // The navigation follows the list without a reload: no "connected" badge any more.
    const accountLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', {
      name: /Cloud account/,
    });
    await expect.poll(() => accountLink.textContent()).not.toContain('connected');
    await page.reload();
    await page.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
    await expect(accountsList(page).rows.count()).resolves.toBe(0);
  });

  it('shows another tenant’s browser an empty list while this one has a connection', async () => {
    const { browser, demo, context, page } = current;
    await connectAndOpenAccountPage(current);
    await accountsList(page).row.waitFor();

    const otherContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const other = await otherContext.newPage();
      await other.goto(demo.url('/account'));
      await other.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
      await expect(accountsList(other).rows.count()).resolves.toBe(0);
      await expect(listedConnections(otherContext, demo)).resolves.toEqual([]);
      await expect(axeViolations(other)).resolves.toEqual([]);
    } finally {
      await otherContext.close();
    }
    // The first tenant's list is unchanged.
    await expect(listedConnections(context, demo)).resolves.toHaveLength(1);
    await page.reload();
    await accountsList(page).row.waitFor();
    await expect(accountsList(page).rows.count()).resolves.toBe(1);
  });
});
