// When the stack does not give Porter a role: the wrong account signed in to the console, a
// rolled-back stack, a role that does not enforce the ExternalId.
import { describe, expect, it } from 'vitest';
import {
  createStack,
  enterAccountId,
  moveSandboxClockMinutes,
  OTHER_ACCOUNT,
  openConsole,
  type PerTestDemo,
  screenshot,
  setUpDemoPerTest,
  stackCreatedAt,
  waitForConnected,
} from './demo-browser';

// Each test starts its own demo: some make verification turn slow sooner.
const current = setUpDemoPerTest({ startEachTest: false });

/** Starts this test's demo with `flowTiming` and opens the Connect page. */
async function open(flowTiming = {}): Promise<PerTestDemo> {
  await current.start(flowTiming);
  await current.page.goto(current.demo.url());
  return current;
}

/** Picks a scenario in the sandbox panel. */
async function chooseScenario(scenario: string): Promise<void> {
  await current.page.getByLabel('Scenario').selectOption(scenario);
  await expect.poll(() => current.demo.sandbox.scenario).toBe(scenario);
}

describe('troubleshooting', () => {
  it('shows the troubleshooting text when the console is signed in to another account, and connects after switching', async () => {
    const { context, page } = await open({ slowAfterMs: 3000 });
    // The person is signed in to another account in the console (set from the sandbox panel).
    await page.getByLabel('Console signed in to').selectOption(OTHER_ACCOUNT);
    await page
      .getByLabel('Console signed in to')
      .and(page.locator(`[data-signed-in="${OTHER_ACCOUNT}"]`))
      .waitFor();
    await enterAccountId(page);
    const wrongConsole = await openConsole(context, page);
    await expect(
      wrongConsole.getByText(/Signed in as account 2109-8765-4321/).isVisible(),
    ).resolves.toBe(true);
    await createStack(wrongConsole);

    await page.bringToFront();
    // The stack's events come from another account than the link's: the server ignores them,
    // so this is the wait the slow state's troubleshooting is for.
    const status = page.locator('[data-part="verification-status"][data-slow]');
    await status.waitFor();
    const troubleshooting = status.locator('[data-part="troubleshooting"] li');
    await expect(troubleshooting.allTextContents()).resolves.toEqual([
      'Check that the AWS console is signed in to account 1234-5678-9012 (the account menu, top right).',
      'On the quick-create page, tick the box that acknowledges IAM resources, then choose Create stack.',
      'In CloudFormation, the PorterRole stack should reach CREATE_COMPLETE. If it rolled back, delete it and launch it again.',
    ]);
    await expect(page.locator('[data-part="error-message"]').isVisible()).resolves.toBe(false);
    await screenshot(page, 'connect-slow-troubleshooting');

    // The fix: launch again, switch the console to the right account, create the stack there.
    const console2 = await openConsole(context, page);
    await console2.getByLabel('Switch to').selectOption('123456789012');
    await console2.getByRole('button', { name: 'Switch account' }).click();
    await console2.getByText(/Signed in as account 1234-5678-9012/).waitFor();
    await createStack(console2);
    await page.bringToFront();
    await waitForConnected(page);
  });

  // The rollback deletes the stack's first event resource, and CloudFormation says so through
  // SNS: the next check is STACK_FAILED, long before the slow state (without stack events the
  // stack reads as a wait: slow after slowAfterMs, TIMED_OUT after timeoutMs).
  it('says the stack failed within seconds of its rollback, and connects after it is deleted and launched again', async () => {
    const slowAfterMs = 20_000;
    const { demo, context, page } = await open({ slowAfterMs });
    await chooseScenario('rollback');
    await enterAccountId(page);
    const consolePage = await openConsole(context, page);
    await createStack(consolePage);
    const createdAt = await stackCreatedAt(demo);

    await page.bringToFront();
    const alert = page.locator('[data-part="error-message"][data-code="STACK_FAILED"]');
    await alert.waitFor();
    expect(Date.now() - createdAt).toBeLessThan(slowAfterMs);
    await expect(
      page.locator('[data-part="verification-status"][data-slow]').count(),
    ).resolves.toBe(0);
    await expect(alert.textContent()).resolves.toContain(
      'The PorterRole stack failed to create. Delete the failed stack in the CloudFormation console, then launch it again.',
    );
    const tryAgain = alert.getByRole('button', { name: 'Try again' });
    await expect(tryAgain.isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole('link', { name: /Open the AWS console/ }).isVisible(),
    ).resolves.toBe(true);
    await demo.sandbox.customer.waitForStack('PorterRole', 'ROLLBACK_COMPLETE');
    await screenshot(page, 'connect-stack-failed');

    // As the error says: delete the failed stack, then launch it again. The console's stack list
    // reloads itself every 2 s while the stack changes (a reload of our own could race with one
    // of its own), and stops once the stack settled: wait for it to show ROLLBACK_COMPLETE.
    await consolePage.getByRole('cell', { name: 'ROLLBACK_COMPLETE' }).waitFor();
    await consolePage.getByRole('button', { name: 'Delete' }).click();
    await demo.sandbox.customer.waitForStack('PorterRole', 'DELETE_COMPLETE');
    await chooseScenario('normal');
    await tryAgain.click();
    await alert.waitFor({ state: 'hidden' });
    await createStack(await openConsole(context, page));
    await page.bringToFront();
    await waitForConnected(page);
  });

  it('refuses a role that can be assumed without the ExternalId, with an error that says how to fix it', async () => {
    const { context, page } = await open();
    await chooseScenario('no-external-id');
    await enterAccountId(page);
    await createStack(await openConsole(context, page));
    await page.bringToFront();

    const alert = page.locator('[data-part="error-message"][data-code="EXTERNAL_ID_NOT_ENFORCED"]');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(
      /without its external ID.*Recreate the stack/,
    );
    await expect(alert.getByRole('button').count()).resolves.toBe(1);
    await expect(
      page.getByRole('heading', { name: 'Your AWS account is connected' }).count(),
    ).resolves.toBe(0);
    await screenshot(page, 'connect-external-id-not-enforced');
  });

  it('skips a slow IAM propagation when the sandbox clock is moved from the panel', async () => {
    const { demo, context, page } = await open();
    await chooseScenario('slow-propagation');
    await enterAccountId(page);
    await createStack(await openConsole(context, page));
    await demo.sandbox.customer.waitForStack('PorterRole', 'CREATE_COMPLETE');
    await page.bringToFront();

    await page.getByRole('button', { name: '+10 s' }).click();
    await page.getByText('10 s ahead of your clock.').waitFor();
    await expect(
      page.getByRole('heading', { name: 'Your AWS account is connected' }).count(),
    ).resolves.toBe(0);
    await moveSandboxClockMinutes(page, 10);
    await page.getByText('610 s ahead of your clock.').waitFor();
    await waitForConnected(page);
    await screenshot(page, 'sandbox-clock-moved');
  });
});
