// The demo on the embedded sandbox: a local AWS, the host's server (SQLite store, Node listener)
// and the connection machine talking to it over HTTP, as a partner product would wire them.
//   pnpm run demo            open the printed link in a browser and create the stack there
//   pnpm run demo -- --auto  the script plays the user too: creates the stack, then deletes it
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  connect,
  createCloudConnect,
  createHttpBackend,
  formatAccountId,
  permissionList,
} from '@porter/cloud-connect';
import { startSandbox } from '@porter/cloud-connect-sandbox';
import { createAwsVerifier, createCloudConnectHandler } from '@porter/cloud-connect-server';
import { toNodeListener } from '@porter/cloud-connect-server/node';
import { createSqliteStore } from '@porter/cloud-connect-server/sqlite';

const auto = process.argv.includes('--auto');
const DEMO_TOKEN = 'demo-token';
const BASE_PATH = '/api/cloud-connect';

const sandbox = await startSandbox({ port: 0 });
const store = createSqliteStore(join(tmpdir(), 'cloud-connect-demo.sqlite'));
const handler = createCloudConnectHandler({
  verifier: createAwsVerifier({
    region: 'us-east-1',
    clientConfig: { endpoint: sandbox.url, credentials: sandbox.vendorCredentials, maxAttempts: 1 },
  }),
  store,
  // The demo's one signed-in tenant; a real host reads its own session or token here.
  authenticate: async (request) =>
    request.headers.get('authorization') === `Bearer ${DEMO_TOKEN}` ? { tenantId: 'demo' } : null,
  listBlockers: async () => [],
  config: {
    region: 'us-east-1',
    basePath: BASE_PATH,
    templateUrl: sandbox.templateUrl,
    trustedPrincipalArn: sandbox.vendorPrincipalArn,
    consoleBaseUrl: sandbox.consoleBaseUrl,
    allowedTemplateOrigins: [new URL(sandbox.templateUrl).origin],
  },
});
const server = createServer(toNodeListener(handler));
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const serverUrl = `http://127.0.0.1:${server.address().port}`;

const actor = createCloudConnect({
  backend: createHttpBackend({
    baseUrl: `${serverUrl}${BASE_PATH}`,
    headers: { authorization: `Bearer ${DEMO_TOKEN}` },
  }),
  input: {
    accountId: sandbox.customerAccountId,
    timing: { firstCheckMs: 1000, intervalMs: 1000, revocationIntervalMs: 1000 },
  },
});
// The customer's side of the demo, used only with --auto (a person clicks in the console instead).
const customer = new CloudFormationClient({
  region: 'us-east-1',
  endpoint: sandbox.url,
  credentials: sandbox.customerCredentials,
});

let exitCode = 0;
async function shutDown() {
  actor.stop();
  customer.destroy();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await sandbox.close();
  process.exit(exitCode);
}
process.once('SIGINT', shutDown);

// The user's part in --auto mode; a failure there ends the demo with its reason and exit code 1.
async function playUser(step) {
  try {
    await step();
  } catch (error) {
    console.error(`The simulated user could not go on: ${error.name}: ${error.message}`);
    exitCode = 1;
    await shutDown();
  }
}

console.log(`Sandbox AWS:  ${sandbox.url}`);
console.log(`Host server:  ${serverUrl}${BASE_PATH}`);
console.log(
  `Account:      ${formatAccountId(sandbox.customerAccountId)} (the sandbox's customer)\n`,
);

let lastStatus = '';
actor.subscribe((snapshot) => {
  const view = connect(snapshot, actor.send);
  if (view.statusMessage !== lastStatus) {
    lastStatus = view.statusMessage;
    console.log(`[${view.step}] ${view.statusMessage}`);
  }
  if (view.error && (view.isFailed || view.isTimedOut)) {
    console.error(`Error ${view.error.code}: ${view.error.message}`);
    exitCode = 1;
    void shutDown();
  }
});

actor.on('session.created', ({ session }) => {
  console.log(
    `\nOpen this link to create the ${session.stackName} stack:\n  ${session.quickCreateUrl}\n`,
  );
  if (!auto) return actor.send({ type: 'STACK.LAUNCHED' });
  void playUser(async () => {
    await customer.send(
      new CreateStackCommand({
        StackName: session.stackName,
        TemplateURL: session.templateUrl,
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        Parameters: [
          { ParameterKey: 'ExternalId', ParameterValue: session.externalId },
          { ParameterKey: 'TrustedPrincipalArn', ParameterValue: sandbox.vendorPrincipalArn },
        ],
      }),
    );
    actor.send({ type: 'STACK.LAUNCHED' });
  });
});

actor.on('connected', ({ connection }) => {
  console.log(`\nConnected: Porter may assume ${connection.roleArn}. It was granted:`);
  for (const group of permissionList()) console.log(`  - ${group.title}: ${group.description}`);
  const { session } = actor.getSnapshot().context;
  console.log(
    `\nTo revoke, delete the stack here; the demo confirms when access is gone:\n  ${session.stacksConsoleUrl}\n`,
  );
  actor.send({ type: 'REVOKE.START' });
});

actor.subscribe((snapshot) => {
  if (!snapshot.matches({ revoking: 'deletingStack' })) return;
  actor.send({ type: 'REVOKE.STACK_DELETE_LAUNCHED' });
  const { stackName } = snapshot.context.session;
  if (auto) void playUser(() => customer.send(new DeleteStackCommand({ StackName: stackName })));
});

actor.on('revoked', () => {
  console.log('\nRevoked: the role can no longer be assumed.');
  void shutDown();
});

actor.start();
actor.send({ type: 'ACCOUNT_ID.SUBMIT' });
