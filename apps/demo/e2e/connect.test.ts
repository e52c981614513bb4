// Connecting the sandbox's account as a person does it: the Connect page, the console in a new
// tab, and back.
import { describe, expect, it } from 'vitest';
import {
  axeViolations,
  createStack,
  enterAccountId,
  openConsole,
  SANDBOX_TIMING,
  screenshot,
  setUpDemoPerTest,
  stackCreatedAt,
  tabTo,
  verifyingStatus,
  waitForConnected,
} from './demo-browser';

const current = setUpDemoPerTest();

describe('connecting an AWS account', () => {
  it('connects within about 2 s of the role becoming assumable, and lists the permissions', async () => {
    const { demo, context, page } = current;
    await page.goto(demo.url());
    await screenshot(page, 'connect-account-id');
    await enterAccountId(page, '1234-5678-9012');
    await screenshot(page, 'connect-launch');

    const consolePage = await openConsole(context, page);
    expect(new URL(consolePage.url()).origin).toBe(demo.sandbox.consoleBaseUrl);
    await screenshot(consolePage, 'sandbox-console-quick-create');
    // The page verifies from the launch on, before any stack exists (and so for as long as this
    // machine takes to read it).
    await verifyingStatus(page).waitFor();
    await screenshot(page, 'connect-verifying');
    await createStack(consolePage);
    // When the sandbox makes the role assumable: its creation time plus creation and IAM propagation.
    const assumableAt =
      (await stackCreatedAt(demo)) +
      (SANDBOX_TIMING.stackCreateMs ?? 0) +
      (SANDBOX_TIMING.propagationMs ?? 0);

    await page.bringToFront();
    await waitForConnected(page);
    // The server's verification time, not this test's clock: reading the page from a test process
    // on a loaded machine adds its own delay, which the user does not wait through.
    const response = await context.request.get(demo.url('/api/cloud-connect/connection'));
    const { connection } = (await response.json()) as { connection: { verifiedAt: string } };
    expect(Date.parse(connection.verifiedAt) - assumableAt).toBeLessThan(2500);

    const permissions = page.locator('[data-part="permission-list"] li');
    expect(await permissions.count()).toBeGreaterThanOrEqual(5);
    await expect(page.getByText('EKS clusters').first().isVisible()).resolves.toBe(true);
    await expect(
      page.getByText('arn:aws:iam::123456789012:role/porter-manager').isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'connect-connected');
  });

  it('goes back to the account ID with Change, and starts again with another account', async () => {
    const { demo, page } = current;
    await page.goto(demo.url());
    await enterAccountId(page, '1111-2222-3333');
    await page.getByRole('button', { name: 'Change', exact: true }).click();
    const input = page.getByLabel('AWS account ID');
    await input.waitFor();
    await expect(input.inputValue()).resolves.toBe('111122223333');
    await enterAccountId(page, '1234-5678-9012');
    await expect(page.getByText('1234-5678-9012').first().isVisible()).resolves.toBe(true);
  });

  it("falls back to the link, and says so, when Chromium's popup blocker stops window.open", async () => {
    const { demo, context, page } = current;
    // Chromium grants a popup only to a page the user has just interacted with, and
    // Playwright's actions and queries count as interaction. So a script inside the page types the account ID,
    // submits and follows the launch link: the page has no user activation, and the real popup
    // blocker refuses the window.
    await page.addInitScript(() => {
      window.localStorage.setItem('northwind.open-console-in-popup', 'yes');
      const act = () => {
        const input = document.querySelector<HTMLInputElement>('input[name="accountId"]');
        if (input && !input.value) {
          const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
          setValue?.set?.call(input, '1234-5678-9012');
          input.dispatchEvent(new Event('input', { bubbles: true }));
          input.form?.requestSubmit();
        }
        const launch = document.querySelector<HTMLAnchorElement>('a[data-part="launch-link"]');
        if (launch?.href && !launch.dataset.followed) {
          launch.dataset.followed = 'yes';
          launch.click();
          console.log('launched');
        }
      };
      new MutationObserver(act).observe(document, { childList: true, subtree: true });
    });
    // Waiting passively: a locator query before the click would count as interaction too.
    const launched = page.waitForEvent('console', (message) => message.text() === 'launched');
    await page.goto(demo.url());
    await launched;

    const fallback = page.getByRole('link', { name: /blocked the new window/ });
    await fallback.waitFor();
    await expect(page.getByText('The popup was blocked').isVisible()).resolves.toBe(true);
    expect(context.pages()).toHaveLength(1);
    await screenshot(page, 'connect-popup-blocked');

    // The person clicks the link the page now offers: a plain link, which no blocker stops.
    const [consolePage] = await Promise.all([context.waitForEvent('page'), fallback.click()]);
    await consolePage.getByRole('heading', { name: 'Quick create stack' }).waitFor();
    await createStack(consolePage);
    await page.bringToFront();
    await waitForConnected(page);
  });

  it('works by keyboard alone, with no accessibility violation on any step', async () => {
    const { demo, context, page } = current;
    await page.goto(demo.url());
    await page.getByLabel('AWS account ID').waitFor();
    await expect(axeViolations(page)).resolves.toEqual([]);

    await tabTo(page, page.getByLabel('AWS account ID'));
    await page.keyboard.type('1234 5678 9012');
    await page.keyboard.press('Enter');
    const launchHeading = page.getByRole('heading', {
      name: 'Create the Porter role in your account',
    });
    await launchHeading.waitFor();
    // The new step's heading takes focus, so reading starts there.
    await expect(launchHeading.evaluate((node) => node === document.activeElement)).resolves.toBe(
      true,
    );
    await expect(axeViolations(page)).resolves.toEqual([]);

    await tabTo(page, page.getByRole('link', { name: /Open the AWS console/ }));
    const [consolePage] = await Promise.all([
      context.waitForEvent('page'),
      page.keyboard.press('Enter'),
    ]);
    await consolePage.getByRole('heading', { name: 'Quick create stack' }).waitFor();
    // The verifying step, checked before the stack exists: it ends once the role is assumable.
    await verifyingStatus(page).waitFor();
    await expect(axeViolations(page)).resolves.toEqual([]);
    await expect(axeViolations(consolePage)).resolves.toEqual([]);
    await tabTo(consolePage, consolePage.getByRole('checkbox', { name: /I acknowledge/ }));
    await consolePage.keyboard.press('Space');
    await tabTo(consolePage, consolePage.getByRole('button', { name: 'Create stack' }));
    await consolePage.keyboard.press('Enter');
    await consolePage.getByRole('heading', { name: /Stacks/ }).waitFor();

    await page.bringToFront();
    await waitForConnected(page);
    await expect(axeViolations(page)).resolves.toEqual([]);
    await screenshot(page, 'connect-by-keyboard');
  });
});
