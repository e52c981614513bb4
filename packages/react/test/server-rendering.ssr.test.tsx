import { renderToString } from 'react-dom/server';
import { expect, it } from 'vitest';
import { ExamplePage } from '../stories/example-page';
import { createScriptedBackend } from '../stories/scripted-backend';

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
