/** The console routes: quick-create, the stack list, Delete and the account switcher. */
import type { IncomingHttpHeaders } from 'node:http';
import { DEFAULT_REGION, partitionOfRegion } from '@porter/cloud-connect';
import { consolePrincipalArn } from './accounts';
import type { CloudState, Stack } from './cloud-state';
import {
  CONSOLE_PATHS,
  type ConsoleChrome,
  consoleErrorPage,
  type ParameterField,
  type QuickCreateView,
  quickCreatePage,
  stacksPage,
} from './console-pages';
import { htmlResponse, redirectResponse, type SandboxResponse } from './http-response';
import { AwsError, parseQueryString } from './query-protocol';
import type { SandboxScenario, SandboxTiming } from './scenarios';
import {
  type CloudFormationTemplate,
  iamResourceTypes,
  requiredCapability,
} from './template-evaluator';

/** What the console pages read and change. */
export interface ConsoleContext {
  state: CloudState;
  now(): number;
  scenario(): SandboxScenario;
  timing: SandboxTiming;
  loadTemplate(url: string): CloudFormationTemplate | undefined;
  /** The account the console is "signed in" to; the switcher changes it. */
  signedInAccount: string;
  accounts: ReadonlyArray<{ id: string; label: string }>;
}

/** Answers console routes (`/cloudformation/home...`); undefined for any other path. */
export function handleConsoleRequest(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
  context: ConsoleContext,
): SandboxResponse | undefined {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path !== CONSOLE_PATHS.home && !path.startsWith(`${CONSOLE_PATHS.home}/`)) return undefined;
  const isPost = method === 'POST';
  let form: Map<string, string>;
  try {
    form = isPost ? readForm(headers, body) : new Map(url.searchParams);
  } catch (error) {
    const chrome = chromeFor(
      context,
      regionOf(url.searchParams.get('region')),
      CONSOLE_PATHS.stacks,
    );
    return htmlResponse(400, consoleErrorPage('Request refused', (error as Error).message, chrome));
  }
  const region = regionOf(form.get('region') ?? url.searchParams.get('region'));
  const returnTo = `${path}${url.search}`;
  const chrome = chromeFor(context, region, returnTo);

  switch (`${isPost ? 'POST' : method === 'HEAD' ? 'GET' : method} ${path}`) {
    case `GET ${CONSOLE_PATHS.home}`:
      return stacksResponse(context, chrome, url.searchParams, true);
    case `GET ${CONSOLE_PATHS.stacks}`:
      return stacksResponse(context, chrome, url.searchParams, false);
    case `GET ${CONSOLE_PATHS.quickCreate}`:
      return quickCreateGet(context, chrome, form);
    case `POST ${CONSOLE_PATHS.quickCreate}`:
      return quickCreatePost(context, { ...chrome, returnTo: quickCreateReturnTo(form) }, form);
    case `POST ${CONSOLE_PATHS.deleteStack}`: {
      const stackId = form.get('stackId') ?? form.get('stackName');
      if (!stackId) {
        return htmlResponse(
          400,
          consoleErrorPage('Request refused', 'Say which stack to delete (stackId).', chrome),
        );
      }
      try {
        context.state.deleteStack(context.signedInAccount, region, stackId, context.now());
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        return htmlResponse(400, consoleErrorPage('Delete refused', error.message, chrome));
      }
      return redirectResponse(safeReturnTo(form.get('returnTo'), region));
    }
    case `POST ${CONSOLE_PATHS.account}`: {
      const accountId = form.get('accountId') ?? '';
      if (!context.accounts.some((account) => account.id === accountId)) {
        return htmlResponse(
          400,
          consoleErrorPage(
            'Request refused',
            `There is no account ${accountId} to switch to in the sandbox.`,
            chrome,
          ),
        );
      }
      context.signedInAccount = accountId;
      return redirectResponse(safeReturnTo(form.get('returnTo'), region));
    }
    default: {
      const known = isPost || method === 'GET' || method === 'HEAD';
      return htmlResponse(
        known ? 404 : 405,
        known
          ? consoleErrorPage('Not found', 'The console has no page at this address.', chrome)
          : consoleErrorPage(
              'Method not allowed',
              `The console does not accept ${method}.`,
              chrome,
            ),
        known ? {} : { allow: 'GET, POST' },
      );
    }
  }
}

// The quick-create page as a link with what was typed, so switching account keeps it.
function quickCreateReturnTo(form: ReadonlyMap<string, string>): string {
  const fields = new URLSearchParams();
  for (const [name, value] of form) if (name !== 'acknowledge') fields.set(name, value);
  return `${CONSOLE_PATHS.quickCreate}?${fields}`;
}

function chromeFor(context: ConsoleContext, region: string, returnTo: string): ConsoleChrome {
  return { region, signedInAccount: context.signedInAccount, accounts: context.accounts, returnTo };
}

/** The console's region: one core's links can name; anything else shows the default region. */
export function regionOf(value: string | null | undefined): string {
  return value && partitionOfRegion(value).ok ? value : DEFAULT_REGION;
}

function readForm(headers: IncomingHttpHeaders, body: Buffer): Map<string, string> {
  const type = String(headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) {
    throw new Error('Send the form as application/x-www-form-urlencoded.');
  }
  try {
    return parseQueryString(body.toString('utf8'));
  } catch {
    throw new Error('The form data is malformed.');
  }
}

// Only console paths, in the printable ASCII a URL serializes to (anything else cannot be a Location).
function safeReturnTo(value: string | undefined, region: string): string {
  if (value !== undefined && /^\/cloudformation\/home(?:[/?][!-~]*)?$/.test(value)) return value;
  return `${CONSOLE_PATHS.stacks}?region=${region}`;
}

function stacksResponse(
  context: ConsoleContext,
  chrome: ConsoleChrome,
  query: URLSearchParams,
  forwardFragment: boolean,
): SandboxResponse {
  const now = context.now();
  context.state.settle(now);
  const page = stacksPage(
    {
      stacks: context.state.stacks(context.signedInAccount, chrome.region),
      filteringText: query.get('filteringText') ?? '',
      filteringStatus: query.get('filteringStatus') === 'deleted' ? 'deleted' : 'active',
      now,
    },
    chrome,
    { forwardFragment },
  );
  return htmlResponse(200, page);
}

function quickCreateView(
  context: ConsoleContext,
  form: ReadonlyMap<string, string>,
): { view: QuickCreateView; template?: CloudFormationTemplate } {
  const templateUrl = form.get('templateURL') ?? '';
  const stackName = form.get('stackName') ?? '';
  let template: CloudFormationTemplate | undefined;
  let error: QuickCreateView['error'];
  try {
    template = templateUrl ? context.loadTemplate(templateUrl) : undefined;
  } catch (cause) {
    error = { message: (cause as Error).message };
  }
  if (!template && !error) {
    error = {
      message: templateUrl
        ? `TemplateURL must be a supported URL: the sandbox does not serve ${templateUrl}.`
        : 'The link has no templateURL.',
    };
  }
  const labels = parameterLabels(template);
  const parameters: ParameterField[] = Object.entries(template?.Parameters ?? {}).map(
    ([name, declaration]) => ({
      name,
      label: labels.get(name) ?? name,
      ...(declaration.Description !== undefined && { description: declaration.Description }),
      value: form.get(`param_${name}`) ?? declaration.Default?.toString() ?? '',
    }),
  );
  const capability = template ? requiredCapability(template) : undefined;
  return {
    template,
    view: {
      templateUrl,
      stackName,
      parameters,
      capabilityResourceTypes: capability && template ? iamResourceTypes(template) : [],
      namedIam: capability === 'CAPABILITY_NAMED_IAM',
      acknowledged: form.get('acknowledge') !== undefined,
      ...(error && { error }),
    },
  };
}

// A Map, so a parameter named `constructor` finds no label it does not have.
function parameterLabels(template: CloudFormationTemplate | undefined): Map<string, string> {
  const labels = (
    template?.Metadata?.['AWS::CloudFormation::Interface'] as
      | { ParameterLabels?: unknown }
      | undefined
  )?.ParameterLabels;
  const result = new Map<string, string>();
  if (typeof labels !== 'object' || labels === null) return result;
  for (const [name, label] of Object.entries(labels)) {
    const text = (label as { default?: unknown } | null)?.default;
    if (typeof text === 'string') result.set(name, text);
  }
  return result;
}

function quickCreateGet(
  context: ConsoleContext,
  chrome: ConsoleChrome,
  form: ReadonlyMap<string, string>,
): SandboxResponse {
  const { view } = quickCreateView(context, form);
  return htmlResponse(view.error ? 400 : 200, quickCreatePage(view, chrome));
}

function quickCreatePost(
  context: ConsoleContext,
  chrome: ConsoleChrome,
  form: ReadonlyMap<string, string>,
): SandboxResponse {
  const outcome = submitQuickCreate(context, chrome.region, form);
  if (!outcome.ok) {
    return htmlResponse(400, quickCreatePage({ ...outcome.view, error: outcome.error }, chrome));
  }
  const list = new URLSearchParams({ region: chrome.region, filteringText: outcome.stack.name });
  return redirectResponse(`${CONSOLE_PATHS.stacks}?${list}`);
}

/** What submitting the quick-create form did: the stack it started, or why it was refused. */
export type QuickCreateOutcome =
  | { ok: true; stack: Stack }
  | {
      ok: false;
      view: QuickCreateView;
      error: { message: string; field?: string };
      /** The AWS error code behind the refusal, when CloudFormation refused the stack. */
      awsCode?: string;
    };

/**
 * Submits the quick-create form (`templateURL`, `stackName`, `param_<Name>`, `acknowledge`) as
 * the person signed in to the console: what the page's Create button and the scripted customer
 * both do.
 */
export function submitQuickCreate(
  context: ConsoleContext,
  region: string,
  form: ReadonlyMap<string, string>,
): QuickCreateOutcome {
  const { view, template } = quickCreateView(context, form);
  const refuse = (message: string, field?: string, awsCode?: string): QuickCreateOutcome => ({
    ok: false,
    view,
    error: { message, ...(field && { field }) },
    ...(awsCode && { awsCode }),
  });
  if (!template) return refuse(view.error?.message ?? 'The template could not be loaded.');
  if (view.capabilityResourceTypes.length > 0 && !view.acknowledged) {
    return refuse(
      view.namedIam
        ? 'Acknowledge that AWS CloudFormation might create IAM resources with custom names to create this stack.'
        : 'Acknowledge that AWS CloudFormation might create IAM resources to create this stack.',
      'acknowledge',
    );
  }
  if (!view.stackName) return refuse('Enter a stack name.', 'stackName');
  try {
    const stack = context.state.createStack({
      accountId: context.signedInAccount,
      region,
      stackName: view.stackName,
      template,
      parameters: view.parameters.map((parameter) => ({
        key: parameter.name,
        value: parameter.value,
      })),
      capabilities: view.acknowledged ? ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] : [],
      createdBy: consolePrincipalArn(context.signedInAccount),
      scenario: context.scenario(),
      timing: context.timing,
      now: context.now(),
    });
    return { ok: true, stack };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const parameter = /^Parameter '(\w+)'/.exec(error.message)?.[1];
    const field = parameter
      ? `param_${parameter}`
      : /stackName|already exists/.test(error.message)
        ? 'stackName'
        : undefined;
    return refuse(error.message, field, error.code);
  }
}
