// What the doc samples use but a host writes or has itself: its sign-in, its clusters, its UI,
// and the values earlier paragraphs made (the handler, a session, a running sandbox). Declared
// once here, with their real types, so samples read as they would in a host's code and are
// still checked against the API (see check-doc-samples.mjs).
import type { Blocker, CloudConnectApi, Connection, ConnectSession } from '@porter/cloud-connect';
import type { Sandbox } from '@porter/cloud-connect-sandbox';
import type {
  CloudConnectHandler,
  CloudConnectHandlerConfig,
  CloudConnectHandlerOptions,
  Tenant,
} from '@porter/cloud-connect-server';

declare global {
  // The host's own functions.
  function getUser(request: Request): Promise<{ orgId: string } | null>;
  function userFromSessionCookie(cookie: string | null): Promise<{ organizationId: string } | null>;
  function tenantFromCookie(request: Request): Promise<Tenant | null>;
  function clustersIn(tenantId: string, accountId: string): Promise<Blocker[]>;
  function clustersOf(tenantId: string, accountId: string): Promise<Blocker[]>;
  function getToken(): Promise<string>;
  function render(api: CloudConnectApi): void;
  function save(connection: Connection): void;
  const analytics: { track(event: string, properties?: object): void };

  // Values a sample continues from.
  const cloudConnect: CloudConnectHandler;
  const options: Omit<CloudConnectHandlerOptions, 'config'>;
  const config: CloudConnectHandlerConfig;
  const authenticate: CloudConnectHandlerOptions['authenticate'];
  const listBlockers: CloudConnectHandlerOptions['listBlockers'];
  const session: ConnectSession;
  const externalId: string;
  const vendorPrincipalArn: string;
  const sandbox: Sandbox;
}
