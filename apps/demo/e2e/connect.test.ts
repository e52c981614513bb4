// Connecting the sandbox's account as a person does it: the Connect page, the console in a new
// tab, and back.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createStack,
  DemoUnderTest,
  enterAccountId,
  launchChromium,
  openConsole,
  SANDBOX_TIMING,
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

describe('connecting an AWS account', () => {
  it('connects within about 2 s of the role becoming assumable, and lists the permissions', async () => {
    await page.goto(demo.url());
    await screenshot(page, 'connect-account-id');
    await enterAccountId(page, '1234-5678-9012');
    await screenshot(page, 'connect-launch');

    const consolePage = await openConsole(context, page);
    expect(new URL(consolePage.url()).origin).toBe(demo.sandbox.consoleBaseUrl);
    await screenshot(consolePage, 'sandbox-console-quick-create');
    await createStack(consolePage);
    const assumableAt =
      Date.now() + (SANDBOX_TIMING.stackCreateMs ?? 0) + (SANDBOX_TIMING.propagationMs ?? 0);

    await page.bringToFront();
    await page
      .getByRole('status')
      .filter({ hasText: /elapsed/ })
      .waitFor();
    await screenshot(page, 'connect-verifying');
    await waitForConnected(page);
    expect(Date.now() - assumableAt).toBeLessThan(2500);

    const permissions = page.locator('[data-part="permission-list"] li');
    expect(await permissions.count()).toBeGreaterThanOrEqual(5);
    await expect(page.getByText('EKS clusters').first().isVisible()).resolves.toBe(true);
    await expect(
      page.getByText('arn:aws:iam::123456789012:role/porter-manager').isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'connect-connected');
  });
});
