/**
 * What every end-to-end test needs: Debian's Chromium driven by playwright-core, the demo host
 * (sandbox + server + built app) on free ports with a data directory of its own, and helpers
 * for the steps a person takes.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { CloudConnectTiming } from '@porter/cloud-connect';
import type { Sandbox, SandboxTiming } from '@porter/cloud-connect-sandbox';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type DemoHost, startDemoHost } from '../server/demo-host';
import { startDemoSandbox } from '../server/demo-stack-events';
import { createMovableClock } from '../server/sandbox-controls';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP_DIR = fileURLToPath(new URL('../dist', import.meta.url));
/** Where each test's screenshot goes (scripts/update-doc-images.ts copies some into docs). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots', import.meta.url));
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/** The sandbox's customer account, typed as people paste it. */
export const CUSTOMER_ACCOUNT = '1234-5678-9012';
export const OTHER_ACCOUNT = '210987654321';

/** Short, but every state is still visible. */
export const SANDBOX_TIMING: Partial<SandboxTiming> = {
  stackCreateMs: 700,
  propagationMs: 1000,
  stackDeleteMs: 700,
  // Longer than any test waits: only moving the sandbox clock gets past it.
  slowPropagationMs: 600_000,
};

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}. Install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // Playwright turns Chromium's popup blocker off; people have it on.
    ignoreDefaultArgs: ['--disable-popup-blocking'],
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
}

/**
 * A demo of its own for one test: the sandbox, and the host on a data directory of its own.
 * `restartServer` replaces the host process's server on the same port and SQLite files while
 * the sandbox (the customer's AWS) carries on, as a redeploy would.
 */
export class DemoUnderTest {
  host!: DemoHost;
  sandbox!: Sandbox;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'northwind-e2e-'));
  private readonly clock = createMovableClock();
  private port = 0;

  constructor(private readonly flowTiming: Partial<CloudConnectTiming> = {}) {}

  async start(): Promise<this> {
    this.sandbox = await startDemoSandbox({ port: 0, clock: this.clock, timing: SANDBOX_TIMING });
    await this.startServer();
    return this;
  }

  private async startServer(): Promise<void> {
    this.host = await startDemoHost({
      port: this.port,
      dataDir: this.dataDir,
      appDir: APP_DIR,
      mode: { kind: 'sandbox', port: 0, running: { sandbox: this.sandbox, clock: this.clock } },
      flowTiming: this.flowTiming,
    });
    this.port = Number(new URL(this.host.url).port);
  }

  url(path = '/connect'): string {
    return new URL(path, this.host.url).toString();
  }

  /** Stops the server, waits `downMs`, and starts it again on the same port and files. */
  async restartServer(downMs: number): Promise<void> {
    await this.host.close();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startServer();
  }

  async close(): Promise<void> {
    await this.host?.close();
    await this.sandbox?.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The running test's browser, demo, context and page, read inside a test. */
export interface PerTestDemo {
  readonly browser: Browser;
  readonly demo: DemoUnderTest;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Starts this test's demo with `flowTiming`, and opens its context and page. */
  start(flowTiming?: Partial<CloudConnectTiming>): Promise<void>;
}

/**
 * Registers the hooks every end-to-end file needs: one Chromium for the file and, for each test,
 * a demo of its own with a 1280x900 context and a page, all closed after the test. With
 * `startEachTest: false` a test calls `start` itself, to pick its own `flowTiming`.
 */
export function setUpDemoPerTest(
  options: { flowTiming?: Partial<CloudConnectTiming>; startEachTest?: boolean } = {},
): PerTestDemo {
  let browser: Browser | undefined;
  let demo: DemoUnderTest | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const current = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`No ${name} yet: read it inside a test, after start.`);
    return value;
  };
  const perTest: PerTestDemo = {
    get browser() {
      return current(browser, 'browser');
    },
    get demo() {
      return current(demo, 'demo');
    },
    get context() {
      return current(context, 'context');
    },
    get page() {
      return current(page, 'page');
    },
    async start(flowTiming) {
      demo = await new DemoUnderTest(flowTiming).start();
      context = await perTest.browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
    },
  };
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  if (options.startEachTest !== false) beforeEach(() => perTest.start(options.flowTiming));
  afterEach(async () => {
    await context?.close();
    await demo?.close();
    context = undefined;
    demo = undefined;
    page = undefined;
  });
  return perTest;
}

/** Types the account ID and submits: the launch step appears. */
export async function enterAccountId(page: Page, accountId = CUSTOMER_ACCOUNT): Promise<void> {
  await page.getByLabel('AWS account ID').fill(accountId);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Create the Porter role in your account' }).waitFor();
}

/** Follows the launch link: the sandbox console opens in a new tab. */
export async function openConsole(context: BrowserContext, page: Page): Promise<Page> {
  const [consolePage] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('link', { name: /Open the AWS console/ }).click(),
  ]);
  await consolePage.getByRole('heading', { name: 'Quick create stack' }).waitFor();
  return consolePage;
}

/** Ticks the IAM acknowledgement and presses Create stack in the sandbox console. */
export async function createStack(consolePage: Page): Promise<void> {
  await consolePage.getByRole('checkbox', { name: /I acknowledge/ }).check();
  await consolePage.getByRole('button', { name: 'Create stack' }).click();
  await consolePage.getByRole('heading', { name: /Stacks/ }).waitFor();
}

/**
 * Follows a delete-stack link: the sandbox console opens in a new tab (returned), where the
 * stack is deleted; resolves once the list shows the deletion under way, or already done (a
 * loaded machine may take longer to show the list than the sandbox takes to delete).
 */
export async function deleteStackInConsole(
  context: BrowserContext,
  demo: DemoUnderTest,
  deleteLink: Locator,
): Promise<Page> {
  const [stacksPage] = await Promise.all([context.waitForEvent('page'), deleteLink.click()]);
  if (new URL(stacksPage.url()).origin !== demo.sandbox.consoleBaseUrl) {
    throw new Error(`The delete link opened ${stacksPage.url()}, not the sandbox console.`);
  }
  await stacksPage.getByRole('button', { name: 'Delete' }).click();
  await stacksPage
    .getByRole('cell', { name: 'DELETE_IN_PROGRESS' })
    .or(stacksPage.getByText('No stacks to display.'))
    .waitFor();
  return stacksPage;
}

/** When the customer's PorterRole stack was created (epoch ms), as CloudFormation reports it. */
export async function stackCreatedAt(demo: DemoUnderTest): Promise<number> {
  const client = new CloudFormationClient({
    region: 'us-east-1',
    endpoint: demo.sandbox.url,
    credentials: demo.sandbox.customerCredentials,
  });
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: 'PorterRole' }));
    const created = Stacks?.[0]?.CreationTime;
    if (!created) throw new Error('The sandbox reports no PorterRole stack.');
    return created.getTime();
  } finally {
    client.destroy();
  }
}

/** Moves the sandbox clock from the sandbox panel, a minute a click. */
export async function moveSandboxClockMinutes(page: Page, minutes: number): Promise<void> {
  for (let minute = 0; minute < minutes; minute++) {
    await page.getByRole('button', { name: '+1 min' }).click();
  }
}

/** The verification status while it shows the time since launch: the page is verifying. */
export function verifyingStatus(page: Page): Locator {
  return page.getByRole('status').filter({ hasText: /elapsed/ });
}

/** Waits for the connected screen (Playwright's 30 s: an upper bound, never a speed check). */
export async function waitForConnected(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Your AWS account is connected' }).waitFor();
}

/** Connects the sandbox's customer account, then follows the link to the Cloud account page. */
export async function connectAndOpenAccountPage(on: {
  demo: DemoUnderTest;
  context: BrowserContext;
  page: Page;
}): Promise<void> {
  const { demo, context, page } = on;
  await page.goto(demo.url());
  await enterAccountId(page);
  await createStack(await openConsole(context, page));
  await page.bringToFront();
  await waitForConnected(page);
  await page.getByRole('link', { name: 'Go to your cloud account' }).click();
  await page.getByRole('heading', { name: 'Connection' }).waitFor();
}

/** Presses Tab until `target` has the focus (fails after 40 presses). */
export async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; presses < 40; presses++) {
    if (await target.evaluate((node) => node === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}.`);
}

/** The page's accessibility violations (axe-core, WCAG 2 A and AA). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy refuses inline scripts.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(options: unknown): Promise<AxeResults> } }).axe;
    const results = await axe.run({ runOnly: ['wcag2a', 'wcag2aa'] });
    return results.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((node) => node.target.join(' ')).join(', ')})`,
    );
  });
}
interface AxeResults {
  violations: { id: string; help: string; nodes: { target: string[] }[] }[];
}

/** Saves what the page shows now as `screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
