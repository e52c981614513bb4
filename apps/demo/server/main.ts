/**
 * `pnpm --filter @porter/cloud-connect-demo start` (and `bash scripts/demo.sh`): starts the
 * demo on 127.0.0.1 and prints the one URL to open. Ctrl-C stops everything.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CloudConnectConfigError } from '@porter/cloud-connect-server';
import { type DemoHost, PortInUseError, startDemoHost } from './demo-host';
import { HostConfigError, readHostConfig } from './host-config';

const appDir = fileURLToPath(new URL('../dist', import.meta.url));
const defaultDataDir = fileURLToPath(new URL('../.data', import.meta.url));

async function main(): Promise<number> {
  if (!existsSync(appDir)) {
    console.error(
      `The app is not built yet: run "pnpm --filter @porter/cloud-connect-demo build" first.`,
    );
    return 1;
  }
  let host: DemoHost;
  try {
    const config = readHostConfig(process.argv.slice(2), process.env, defaultDataDir);
    host = await startDemoHost({ ...config, appDir });
  } catch (error) {
    if (error instanceof PortInUseError) {
      const [flag, variable] =
        error.which === 'host' ? ['--port', 'DEMO_PORT'] : ['--sandbox-port', 'SANDBOX_PORT'];
      console.error(
        `${error.message} Something else (another demo?) is listening there.\n` +
          `Pick another port: bash scripts/demo.sh ${flag} ${error.port + 1}  (or set ${variable}; 0 picks a free one).`,
      );
      return 1;
    }
    if (error instanceof HostConfigError || error instanceof CloudConnectConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  const events = host.stackEvents ? 'stack events on' : 'stack events off';
  const mode = host.sandbox
    ? `sandbox mode: a local AWS at ${host.sandbox.url}; connect account ${host.sandbox.customerAccountId}; ${events}`
    : `real AWS mode; ${events}`;
  console.log(`\nNorthwind, the Cloud Connect demo, is running (${mode}).\n`);
  console.log(`  Open ${host.url}\n`);
  console.log('Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nStopping the demo...');
  await host.close();
  return 0;
}

process.exitCode = await main();
