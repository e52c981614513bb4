// The flow outlives what browsers and servers do to it: a reload, a second tab, a restart.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  createStack,
  enterAccountId,
  moveSandboxClockMinutes,
  openConsole,
  screenshot,
  setUpDemoPerTest,
  waitForConnected,
} from './demo-browser';

const current = setUpDemoPerTest();

// Before the stack starts, and (told by its stack events) while CloudFormation creates it.
const waiting = (on: Page) =>
  on.getByRole('status').filter({ hasText: /Waiting for the stack|The stack is being created/ });
const externalIdOf = async (on: Page) => {
  const href = await on.getByRole('link', { name: /Open the AWS console/ }).getAttribute('href');
  return new URLSearchParams(new URL(href ?? '').hash.split('?')[1]).get('param_ExternalId');
};

describe('resuming', () => {
  it('resumes verification after a reload and connects', async () => {
    const { demo, context, page } = current;
    await page.goto(demo.url());
    await enterAccountId(page);
    const consolePage = await openConsole(context, page);
    await waiting(page).waitFor();

    await page.reload();
    await waiting(page).waitFor();
    await expect(page.getByLabel('AWS account ID').count()).resolves.toBe(0);
    await screenshot(page, 'resume-after-reload');

    await createStack(consolePage);
    await page.bringToFront();
    await waitForConnected(page);
  });

  it('gives two tabs of one user the same session, and one stack connects both', async () => {
    const { browser, demo, context, page } = current;
    await page.goto(demo.url());
    await enterAccountId(page);
    const second = await context.newPage();
    await second.goto(demo.url());
    await enterAccountId(second, '123456789012');
    const externalId = await externalIdOf(page);
    expect(externalId).toMatch(/\S{16,}/);
    expect(await externalIdOf(second)).toBe(externalId);

    await createStack(await openConsole(context, second));
    await second.bringToFront();
    await waitForConnected(second);

    // The first tab's link leads to the same stack, which already gives Porter its role.
    const again = await openConsole(context, page);
    await again.close();
    await page.bringToFront();
    await waitForConnected(page);
    await screenshot(page, 'two-tabs-one-session');

    // Another browser signs in as another tenant: the connection is not its own.
    const otherBrowser = await browser.newContext();
    const other = await otherBrowser.newPage();
    await other.goto(demo.url('/account'));
    await other.getByRole('heading', { name: 'No AWS account connected' }).waitFor();
    await otherBrowser.close();
  });

  it('connects when the server restarts in the middle of verification (SQLite kept)', async () => {
    const { demo, context, page } = current;
    await page.goto(demo.url());
    // IAM propagation that ends only when the sandbox clock moves: the verification is still
    // under way when the server goes down, however slow this machine is.
    await page.getByLabel('Scenario').selectOption('slow-propagation');
    await expect.poll(() => demo.sandbox.scenario).toBe('slow-propagation');
    await enterAccountId(page);
    await createStack(await openConsole(context, page));
    await demo.sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    await page.bringToFront();
    await waiting(page).waitFor();

    // The page's checks fail while the server is down and go on after the restart, which knows
    // the session from its SQLite file: the role becomes assumable only then.
    await demo.restartServer(2500);
    await moveSandboxClockMinutes(page, 10);
    await page.getByText('600 s ahead of your clock.').waitFor();
    await waitForConnected(page);
    await screenshot(page, 'connected-after-server-restart');
  });
});
