import { runInNewContext } from 'node:vm';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { quickCreateUrl, stacksConsoleUrl } from '@porter/cloud-connect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ManualClock, type Sandbox, startSandbox } from '../src/index';
import { type RawResponse, send } from './raw-requests';
import {
  assumeAsVendor,
  clientsFor,
  EXTERNAL_ID,
  rejectionOf,
  startOnManualClock,
} from './sandbox-clients';

const timing = { stackCreateMs: 1000, propagationMs: 2000, stackDeleteMs: 1500 };
let clock: ManualClock;
let sandbox: Sandbox;

beforeEach(async () => {
  ({ clock, sandbox } = await startOnManualClock({ timing }));
});
afterEach(() => sandbox.close());

function quickCreateLink(parameters: Record<string, string> = {}): string {
  const link = quickCreateUrl({
    region: 'us-east-1',
    templateUrl: sandbox.templateUrl,
    stackName: 'PorterRole',
    parameters: {
      ExternalId: EXTERNAL_ID,
      TrustedPrincipalArn: sandbox.vendorPrincipalArn,
      ...parameters,
    },
    consoleBaseUrl: sandbox.consoleBaseUrl,
    allowedTemplateOrigins: [sandbox.url],
  });
  if (!link.ok) throw new Error(link.message);
  return link.url;
}

/**
 * Opens a console link as a browser would: the server gets the URL without its fragment, and
 * the page's inline script (run here with a stand-in `location`) reads the fragment.
 */
async function openInBrowser(link: string): Promise<RawResponse & { url: string }> {
  const url = new URL(link);
  const landing = await send(`${url.origin}${url.pathname}${url.search}`);
  expect(landing.status).toBe(200);
  let target: string | undefined;
  for (const [, script] of landing.body.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
    runInNewContext(script ?? '', {
      location: {
        hash: url.hash,
        search: url.search,
        replace: (next: string) => {
          target = next;
        },
        reload: () => undefined,
      },
      URLSearchParams,
      setTimeout: () => undefined,
      document: { activeElement: null },
    });
  }
  const next = target === undefined ? link : new URL(target, url.origin).href;
  return { ...(await send(next)), url: next };
}

function postForm(
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return send(sandbox.consoleBaseUrl, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The fields a browser would submit from the first form with this action. */
function formFields(page: string, action: string): Record<string, string> {
  const form = new RegExp(`<form method="post" action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(
    page,
  )?.[1];
  if (form === undefined) throw new Error(`no form posting to ${action}`);
  const fields: Record<string, string> = {};
  for (const [input] of form.matchAll(/<input [^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1] ?? '';
    if (!name) continue;
    if (input.includes('type="checkbox"') && !input.includes(' checked')) continue;
    fields[name] = decodeEntities(value);
  }
  return fields;
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'quot' ? '"' : "'",
  );
}

async function stackStatus(accountCredentials = sandbox.customerCredentials) {
  const { cloudFormation } = clientsFor(sandbox, accountCredentials);
  const described = await cloudFormation.send(
    new DescribeStacksCommand({ StackName: 'PorterRole' }),
  );
  return described.Stacks?.[0]?.StackStatus;
}

describe('quick-create page', () => {
  it("opens from core's quickCreateUrl and shows the stack name and the parameters from the fragment", async () => {
    const page = await openInBrowser(quickCreateLink());
    expect(page.url).toContain('/cloudformation/home/quickcreate?region=us-east-1&templateURL=');
    expect(page.status).toBe(200);
    const fields = formFields(page.body, '/cloudformation/home/quickcreate');
    expect(fields).toEqual({
      region: 'us-east-1',
      templateURL: sandbox.templateUrl,
      stackName: 'PorterRole',
      param_ExternalId: EXTERNAL_ID,
      param_TrustedPrincipalArn: sandbox.vendorPrincipalArn,
    });
    expect(page.body).toContain('The following resource(s) require capabilities: [AWS::IAM::Role]');
    expect(page.body).toContain(
      'I acknowledge that AWS CloudFormation might create IAM resources with custom names.',
    );
  });

  it('keeps parameter values with spaces, plus signs and slashes intact', async () => {
    const page = await openInBrowser(quickCreateLink({ ExternalId: 'a+b/c=d@e' }));
    expect(formFields(page.body, '/cloudformation/home/quickcreate').param_ExternalId).toBe(
      'a+b/c=d@e',
    );
  });

  it('labels a parameter named like an Object.prototype member by its own name', async () => {
    await sandbox.close();
    sandbox = await startSandbox({
      clock,
      timing,
      template: {
        Parameters: { constructor: { Type: 'String' } },
        Resources: { Topic: { Type: 'AWS::SNS::Topic' } },
      },
    });
    const page = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/quickcreate?region=us-east-1&templateURL=${encodeURIComponent(sandbox.templateUrl)}`,
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="param_constructor">constructor</label>');
  });

  it('labels every visible field and is a page a screen reader can navigate', async () => {
    const { body } = await openInBrowser(quickCreateLink());
    expect(body).toMatch(/<html lang="en">/);
    expect(body.match(/<h1>/g)).toHaveLength(1);
    expect(body).toContain('<main id="main"');
    expect(body).toContain('<a class="skip" href="#main">');
    for (const [input] of body.matchAll(/<(input|select) [^>]*>/g)) {
      if (input.includes('type="hidden"')) continue;
      const id = /id="([^"]+)"/.exec(input)?.[1];
      expect(id, input).toBeDefined();
      expect(body, `label for ${id}`).toContain(`<label for="${id}"`);
    }
  });

  it("keeps the Create button disabled until the box is ticked (the page's own script)", async () => {
    const page = await openInBrowser(quickCreateLink());
    const script = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)]
      .map((match) => match[1] ?? '')
      .find((source) => source.includes('acknowledge'));
    const listeners: Array<() => void> = [];
    const checkbox = {
      checked: false,
      addEventListener: (_type: string, listener: () => void) => listeners.push(listener),
    };
    const button = { disabled: false };
    const elements: Record<string, object> = { acknowledge: checkbox, 'create-stack': button };
    runInNewContext(script ?? '', {
      document: { getElementById: (id: string) => elements[id] ?? null },
    });
    expect(button.disabled).toBe(true);
    checkbox.checked = true;
    for (const listener of listeners) listener();
    expect(button.disabled).toBe(false);
  });

  it('refuses Create until the IAM acknowledgement is ticked, server-side, creating nothing', async () => {
    const page = await openInBrowser(quickCreateLink());
    const fields = formFields(page.body, '/cloudformation/home/quickcreate');
    expect(fields.acknowledge).toBeUndefined();
    const refused = await postForm('/cloudformation/home/quickcreate', fields);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toMatch(
      /id="acknowledge"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*acknowledge-error/,
    );
    expect(refused.body).toContain('id="acknowledge-error"');
    expect((await rejectionOf(stackStatus())).message).toBe(
      'Stack with id PorterRole does not exist',
    );
  });

  it('creates the stack once acknowledged and lands on the stack list; the role works after propagation', async () => {
    const page = await openInBrowser(quickCreateLink());
    const created = await postForm('/cloudformation/home/quickcreate', {
      ...formFields(page.body, '/cloudformation/home/quickcreate'),
      acknowledge: 'yes',
    });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe(
      '/cloudformation/home/stacks?region=us-east-1&filteringText=PorterRole',
    );
    const list = await send(sandbox.consoleBaseUrl, { path: created.headers.location as string });
    expect(list.body).toMatch(
      /<tr data-stack-name="PorterRole">[\s\S]*data-status="CREATE_IN_PROGRESS"/,
    );
    expect(await stackStatus()).toBe('CREATE_IN_PROGRESS');

    clock.advance(timing.stackCreateMs + timing.propagationMs);
    const after = await send(sandbox.consoleBaseUrl, { path: created.headers.location as string });
    expect(after.body).toMatch(/data-status="CREATE_COMPLETE"/);
    await expect(assumeAsVendor(sandbox)).resolves.toBeDefined();
  });

  it("shows the template's constraint error on the ExternalId field for a bad value", async () => {
    const page = await openInBrowser(quickCreateLink());
    const refused = await postForm('/cloudformation/home/quickcreate', {
      ...formFields(page.body, '/cloudformation/home/quickcreate'),
      param_ExternalId: 'no spaces allowed',
      acknowledge: 'yes',
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/id="param_ExternalId"[^>]*aria-invalid="true"/);
    expect(refused.body).toContain('Parameter &#39;ExternalId&#39; failed to satisfy constraint');
  });

  it('refuses a stack name that exists already, on the stack name field', async () => {
    const page = await openInBrowser(quickCreateLink());
    const fields = {
      ...formFields(page.body, '/cloudformation/home/quickcreate'),
      acknowledge: 'yes',
    };
    expect((await postForm('/cloudformation/home/quickcreate', fields)).status).toBe(303);
    const again = await postForm('/cloudformation/home/quickcreate', fields);
    expect(again.status).toBe(400);
    expect(again.body).toContain('Stack [PorterRole] already exists');
    expect(again.body).toMatch(/id="stackName"[^>]*aria-invalid="true"/);
  });

  it('explains a template URL it does not serve', async () => {
    const response = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/quickcreate?region=us-east-1&templateURL=${encodeURIComponent('https://example.com/t.json')}&stackName=PorterRole`,
    );
    expect(response.status).toBe(400);
    expect(response.body).toContain('role="alert"');
    expect(response.body).toContain('TemplateURL must be a supported URL');
  });
});

describe('stack list', () => {
  async function createFromConsole() {
    const page = await openInBrowser(quickCreateLink());
    const created = await postForm('/cloudformation/home/quickcreate', {
      ...formFields(page.body, '/cloudformation/home/quickcreate'),
      acknowledge: 'yes',
    });
    expect(created.status).toBe(303);
  }

  it("opens filtered from core's stacksConsoleUrl, and Delete removes the stack and the role", async () => {
    await createFromConsole();
    clock.advance(timing.stackCreateMs + timing.propagationMs);
    const link = stacksConsoleUrl({
      region: 'us-east-1',
      stackName: 'PorterRole',
      consoleBaseUrl: sandbox.consoleBaseUrl,
    });
    if (!link.ok) throw new Error(link.message);
    const list = await openInBrowser(link.url);
    expect(list.url).toContain(
      '/cloudformation/home/stacks?region=us-east-1&filteringText=PorterRole',
    );
    expect(list.body).toContain('data-status="CREATE_COMPLETE"');

    const deleted = await postForm(
      '/cloudformation/home/stacks/delete',
      formFields(list.body, '/cloudformation/home/stacks/delete'),
    );
    expect(deleted.status).toBe(303);
    expect(await stackStatus()).toBe('DELETE_IN_PROGRESS');
    clock.advance(timing.stackDeleteMs);
    const after = await send(sandbox.consoleBaseUrl, { path: deleted.headers.location as string });
    expect(after.body).toContain('No stacks to display.');
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
    const history = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/stacks?region=us-east-1&filteringStatus=deleted`,
    );
    expect(history.body).toContain('data-status="DELETE_COMPLETE"');
  });

  it("refuses forms another site's page posts (no CSRF), and accepts its own pages' forms", async () => {
    await createFromConsole();
    const list = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/stacks?region=us-east-1&filteringText=PorterRole`,
    );
    const fields = formFields(list.body, '/cloudformation/home/stacks/delete');
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:1']) {
      const refused = await postForm('/cloudformation/home/stacks/delete', fields, { origin });
      expect(refused.status, origin).toBe(403);
      const switched = await postForm(
        '/cloudformation/home/account',
        { accountId: '210987654321', returnTo: '/cloudformation/home/stacks' },
        { origin },
      );
      expect(switched.status, origin).toBe(403);
      const scenario = await send(sandbox.url, {
        method: 'POST',
        path: '/_sandbox/scenario',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ scenario: 'rollback' }),
      });
      expect(scenario.status, origin).toBe(403);
    }
    expect(sandbox.scenario).toBe('normal');
    expect(await stackStatus()).toBe('CREATE_IN_PROGRESS');
    const own = await postForm('/cloudformation/home/stacks/delete', fields, {
      origin: sandbox.consoleBaseUrl,
    });
    expect(own.status).toBe(303);
    expect(await stackStatus()).toBe('DELETE_IN_PROGRESS');
  });

  it('shows a region core cannot name (malformed or isolated) as the default region', async () => {
    for (const region of ['"><b>x</b>', 'us-iso-east-1', 'eu-west-1x']) {
      const page = await send(
        `${sandbox.consoleBaseUrl}/cloudformation/home/stacks?region=${encodeURIComponent(region)}`,
      );
      expect(page.body).toContain('<span>us-east-1</span>');
    }
    const page = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/stacks?region=cn-north-1`,
    );
    expect(page.body).toContain('<span>cn-north-1</span>');
  });

  it('filters by name', async () => {
    await createFromConsole();
    const miss = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/stacks?region=us-east-1&filteringText=Other`,
    );
    expect(miss.body).toContain('No stacks to display.');
  });
});

describe('account switcher', () => {
  it('creates the stack in the account the console is signed in to, so the vendor cannot assume the role', async () => {
    const home = await send(`${sandbox.consoleBaseUrl}/cloudformation/home?region=us-east-1`);
    expect(home.body).toContain('Signed in as account <strong>1234-5678-9012</strong>');
    const switched = await postForm('/cloudformation/home/account', {
      accountId: '210987654321',
      returnTo: '/cloudformation/home?region=us-east-1',
    });
    expect(switched.status).toBe(303);
    expect(switched.headers.location).toBe('/cloudformation/home?region=us-east-1');

    const page = await openInBrowser(quickCreateLink());
    expect(page.body).toContain('Signed in as account <strong>2109-8765-4321</strong>');
    const created = await postForm('/cloudformation/home/quickcreate', {
      ...formFields(page.body, '/cloudformation/home/quickcreate'),
      acknowledge: 'yes',
    });
    expect(created.status).toBe(303);
    clock.advance(timing.stackCreateMs + timing.propagationMs);

    expect((await rejectionOf(stackStatus())).name).toBe('ValidationError');
    expect((await rejectionOf(assumeAsVendor(sandbox))).name).toBe('AccessDenied');
  });

  it('keeps what was typed on the quick-create page when switching account from a refused form', async () => {
    const page = await openInBrowser(quickCreateLink());
    const refused = await postForm(
      '/cloudformation/home/quickcreate',
      formFields(page.body, '/cloudformation/home/quickcreate'),
    );
    const switchFields = formFields(refused.body, '/cloudformation/home/account');
    const switched = await postForm('/cloudformation/home/account', {
      ...switchFields,
      accountId: '210987654321',
    });
    const back = await send(sandbox.consoleBaseUrl, { path: switched.headers.location as string });
    expect(formFields(back.body, '/cloudformation/home/quickcreate')).toMatchObject({
      stackName: 'PorterRole',
      param_ExternalId: EXTERNAL_ID,
    });
    expect(back.body).toContain('Signed in as account <strong>2109-8765-4321</strong>');
  });

  it('refuses an account it does not know, and a return address outside the console', async () => {
    const unknown = await postForm('/cloudformation/home/account', { accountId: '999999999999' });
    expect(unknown.status).toBe(400);
    const offsite = await postForm('/cloudformation/home/account', {
      accountId: sandbox.customerAccountId,
      returnTo: '//evil.example/cloudformation/home',
    });
    expect(offsite.headers.location).toBe('/cloudformation/home/stacks?region=us-east-1');
    const lookalike = await postForm('/cloudformation/home/account', {
      accountId: sandbox.customerAccountId,
      returnTo: '/cloudformation/homeevil',
    });
    expect(lookalike.headers.location).toBe('/cloudformation/home/stacks?region=us-east-1');
  });

  it('sends a return address a Location header cannot carry to the stack list, and keeps serving', async () => {
    for (const returnTo of [
      '/cloudformation/home?region=€',
      '/cloudformation/home?x\r\nSet-Cookie: a=1',
    ]) {
      for (const path of ['/cloudformation/home/account', '/cloudformation/home/stacks/delete']) {
        const response = await postForm(path, {
          accountId: sandbox.customerAccountId,
          stackId: 'PorterRole',
          returnTo,
        });
        expect(response.status).toBe(303);
        expect(response.headers.location).toBe('/cloudformation/home/stacks?region=us-east-1');
        expect(response.headers['set-cookie']).toBeUndefined();
      }
    }
    expect((await send(`${sandbox.consoleBaseUrl}/cloudformation/home/stacks`)).status).toBe(200);
  });
});

describe('console bad input', () => {
  it('answers a malformed or non-form body with a 400 page', async () => {
    const malformed = await send(sandbox.consoleBaseUrl, {
      method: 'POST',
      path: '/cloudformation/home/quickcreate',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'stackName=%ZZ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toContain('The form data is malformed.');
    const json = await send(sandbox.consoleBaseUrl, {
      method: 'POST',
      path: '/cloudformation/home/stacks/delete',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(400);
  });

  it('escapes what the link carries, so a crafted parameter cannot inject markup', async () => {
    const response = await send(
      `${sandbox.consoleBaseUrl}/cloudformation/home/quickcreate?region=us-east-1&templateURL=${encodeURIComponent(sandbox.templateUrl)}&stackName=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E`,
    );
    expect(response.body).not.toContain('<script>alert(1)</script>');
    expect(response.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });
});
