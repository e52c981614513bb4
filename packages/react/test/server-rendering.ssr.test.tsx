import { renderToString } from 'react-dom/server';
import { expect, it } from 'vitest';
import { ConnectionsPage } from '../stories/connections-page';
import { ExamplePage } from '../stories/example-page';
import { createScriptedBackend } from '../stories/scripted-backend';
import {
  createScriptedConnectionsBackend,
  scriptedConnection,
} from '../stories/scripted-connections';

it('renders to a string where no window or document exists', () => {
  expect(typeof window).toBe('undefined');
  expect(typeof document).toBe('undefined');
  const html = renderToString(
    <ExamplePage backend={createScriptedBackend()} persist="cloud-connect" />,
  );
  expect(html).toContain('Connect your AWS account');
  expect(html).toMatch(
    /<label[^>]*for="cloud-connect[^"]+-account-id"[^>]*>AWS account ID<\/label>/,
  );
  expect(html).toContain('data-state="editing"');
});

it('renders the connections list as loading on the server, fetching nothing', () => {
  const backend = createScriptedConnectionsBackend({ connections: [scriptedConnection(1)] });
  const html = renderToString(<ConnectionsPage backend={backend} />);
  expect(html).toContain('Loading your AWS accounts');
  expect(backend.listCalls).toBe(0);
});
