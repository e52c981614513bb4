// The console pages as a person uses them: Debian's Chromium, driven by playwright-core, opens
// the links core builds, ticks the IAM acknowledgement, creates and deletes the stack.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { quickCreateUrl, stacksConsoleUrl } from '@porter/cloud-connect';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock, Sandbox } from '../src/index';
import { assumeAsVendor, rejectionOf, startOnManualClock } from './sandbox-clients';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// An ExternalId with every character a URL can mangle: it must reach the stack intact.
const EXTERNAL_ID = 'tenant+42/acct=1@porter:x.y,z-_';
const timing = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1500 };
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

let browser: Browser;
let page: Page;
let clock: ManualClock;
let sandbox: Sandbox;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});
afterAll(() => browser?.close());
beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({ timing }));
  page = await browser.newPage();
});
afterEach(async () => {
  await page.close();
  await sandbox.close();
});

function quickCreateLink(): string {
  const link = quickCreateUrl({
    region: 'us-east-1',
    templateUrl: sandbox.templateUrl,
    stackName: 'PorterRole',
    parameters: { ExternalId: EXTERNAL_ID, TrustedPrincipalArn: sandbox.vendorPrincipalArn },
    consoleBaseUrl: sandbox.consoleBaseUrl,
    allowedTemplateOrigins: [sandbox.url],
  });
  if (!link.ok) throw new Error(link.message);
  return link.url;
}

function stacksLink(): string {
  const link = stacksConsoleUrl({
    region: 'us-east-1',
    stackName: 'PorterRole',
    consoleBaseUrl: sandbox.consoleBaseUrl,
  });
  if (!link.ok) throw new Error(link.message);
  return link.url;
}

/** The page's accessibility violations, as axe-core (WCAG 2 A and AA rules) finds them. */
async function axeViolations(): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(options: unknown): Promise<AxeResults> } }).axe;
    const results = await axe.run({ runOnly: ['wcag2a', 'wcag2aa'] });
    return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
  });
}
interface AxeResults {
  violations: { id: string; help: string; nodes: unknown[] }[];
}

async function createStackFromQuickCreateLink() {
  await page.goto(quickCreateLink());
  const create = page.getByRole('button', { name: 'Create stack' });
  await expect(create.isDisabled()).resolves.toBe(true);
  await page.getByRole('checkbox', { name: /I acknowledge/ }).check();
  await create.click();
  await page.getByRole('heading', { name: /Stacks/ }).waitFor();
}

describe('the quick-create page in a real browser', { timeout: 30_000 }, () => {
  it('shows the stack name and the parameters from the link, ExternalId intact', async () => {
    await page.goto(quickCreateLink());
    await expect(
      page.getByRole('heading', { name: 'Quick create stack' }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByLabel('Stack name').inputValue()).resolves.toBe('PorterRole');
    await expect(page.getByLabel('External ID').inputValue()).resolves.toBe(EXTERNAL_ID);
    await expect(page.getByLabel("Porter's AWS principal").inputValue()).resolves.toBe(
      sandbox.vendorPrincipalArn,
    );
  });

  it('creates the stack only after the IAM box is ticked, and then the vendor may assume the role', async () => {
    await createStackFromQuickCreateLink();
    await expect(page.getByRole('cell', { name: 'CREATE_IN_PROGRESS' }).isVisible()).resolves.toBe(
      true,
    );
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await page.reload();
    await expect(page.getByRole('cell', { name: 'CREATE_COMPLETE' }).isVisible()).resolves.toBe(
      true,
    );
    const assumed = await assumeAsVendor(sandbox, EXTERNAL_ID);
    expect(assumed.AssumedRoleUser?.Arn).toContain(':assumed-role/porter-manager/');
  });

  it('has no accessibility violations on the quick-create page or the stack list', async () => {
    await page.goto(quickCreateLink());
    await expect(axeViolations()).resolves.toEqual([]);
    await createStackFromQuickCreateLink();
    await expect(axeViolations()).resolves.toEqual([]);
  });

  it('deletes the stack from the stack list link, after which the role cannot be assumed', async () => {
    await createStackFromQuickCreateLink();
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    await page.goto(stacksLink());
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('cell', { name: 'DELETE_IN_PROGRESS' }).isVisible()).resolves.toBe(
      true,
    );
    clock.advance(timing.stackDeleteMs);
    const denied = await rejectionOf(assumeAsVendor(sandbox, EXTERNAL_ID));
    expect(denied.name).toBe('AccessDenied');
  });

  it('creates the stack in the other account when the person is signed in there, so the role stays out of reach', async () => {
    await page.goto(quickCreateLink());
    await page.getByLabel('Switch to').selectOption('210987654321');
    await page.getByRole('button', { name: 'Switch account' }).click();
    await page.getByText(/Signed in as account 2109-8765-4321/).waitFor();
    await createStackFromQuickCreateLink();
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    const denied = await rejectionOf(assumeAsVendor(sandbox, EXTERNAL_ID));
    expect(denied.name).toBe('AccessDenied');
  });
});
