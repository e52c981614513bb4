// Removing Porter's access from the Cloud account page: clusters first, then the stack.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  axeViolations,
  createStack,
  DemoUnderTest,
  enterAccountId,
  launchChromium,
  openConsole,
  screenshot,
  waitForConnected,
} from './demo-browser';

let browser: Browser;
let demo: DemoUnderTest;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
beforeEach(async () => {
  demo = await new DemoUnderTest().start();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
  await demo.close();
});

describe('revoking access', () => {
  it('is blocked while a cluster exists; after it is deleted, the stack is deleted in the console and access is gone', async () => {
    await page.goto(demo.url());
    await enterAccountId(page);
    await createStack(await openConsole(context, page));
    await page.bringToFront();
    await waitForConnected(page);

    await page.getByRole('link', { name: 'Go to your cloud account' }).click();
    await page.getByRole('heading', { name: 'Connection' }).waitFor();
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await page.getByText('cluster-1').waitFor();
    await screenshot(page, 'account-connected');
    await expect(axeViolations(page)).resolves.toEqual([]);

    await page.getByRole('button', { name: 'Remove access' }).click();
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

    const [stacksPage] = await Promise.all([context.waitForEvent('page'), deleteLink.click()]);
    expect(new URL(stacksPage.url()).origin).toBe(demo.sandbox.consoleBaseUrl);
    await stacksPage.getByRole('button', { name: 'Delete' }).click();
    await stacksPage.getByRole('cell', { name: 'DELETE_IN_PROGRESS' }).waitFor();

    await page.bringToFront();
    await page.getByRole('heading', { name: 'Access removed' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'revoke-revoked');
    await expect(axeViolations(page)).resolves.toEqual([]);
    // The server agrees: there is no connection left, so the navigation drops its badge.
    await page.getByRole('link', { name: 'Cloud account', exact: true }).waitFor();
  });
});
