/**
 * The sandbox's CloudFormation console pages, server-rendered and accessible: labelled
 * fields, errors tied to their field and announced, a skip link, real forms that POST (so a
 * person, Playwright or a plain HTTP test can drive them).
 */
import { formatAccountId } from '@porter/cloud-connect';
import type { Stack } from './cloud-state';
import { html, type SafeHtml, trustedHtml } from './html';

/** The console routes. */
export const CONSOLE_PATHS = {
  home: '/cloudformation/home',
  quickCreate: '/cloudformation/home/quickcreate',
  stacks: '/cloudformation/home/stacks',
  deleteStack: '/cloudformation/home/stacks/delete',
  account: '/cloudformation/home/account',
} as const;

/** Who the console is signed in as, and where to come back to after switching. */
export interface ConsoleChrome {
  region: string;
  signedInAccount: string;
  accounts: ReadonlyArray<{ id: string; label: string }>;
  /** This page's path and query, for the account switcher to return to. */
  returnTo: string;
}

/** One template parameter as the quick-create form shows it. */
export interface ParameterField {
  name: string;
  label: string;
  description?: string;
  value: string;
}

/** What the quick-create page shows. */
export interface QuickCreateView {
  templateUrl: string;
  stackName: string;
  parameters: ParameterField[];
  /** IAM resource types that need a capability acknowledged (none: no acknowledgement box). */
  capabilityResourceTypes: string[];
  namedIam: boolean;
  acknowledged: boolean;
  error?: { message: string; field?: string };
}

/** What the stack list shows. */
export interface StacksView {
  stacks: Stack[];
  filteringText: string;
  filteringStatus: 'active' | 'deleted';
  now: number;
}

const STYLE = trustedHtml(`<style>
body{font-family:system-ui,sans-serif;margin:0;color:#16191f;background:#f2f3f3}
header{background:#232f3e;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
header a{color:#fff}
main{max-width:60rem;margin:1rem auto;padding:1rem;background:#fff}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
fieldset{border:1px solid #aab7b8;margin:1rem 0;padding:1rem}
label{display:block;font-weight:600;margin-top:.75rem}
.hint{color:#545b64;font-size:.9rem;margin:.25rem 0}
input[type=text]{width:100%;max-width:40rem;padding:.4rem;box-sizing:border-box}
.check label{display:inline;font-weight:400}
.error{color:#d13212;font-weight:600}
[role=alert]{border:2px solid #d13212;padding:.75rem;margin:1rem 0}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #eaeded;vertical-align:top}
.status[data-status$=COMPLETE]{color:#1d8102}.status[data-status*=FAILED],.status[data-status^=ROLLBACK]{color:#d13212}.status[data-status$=PROGRESS]{color:#0073bb}
button{padding:.45rem 1rem;font-weight:600}
button:disabled{opacity:.5}
</style>`);

function layout(title: string, chrome: ConsoleChrome, body: SafeHtml, script?: SafeHtml): string {
  const current = chrome.accounts.find((account) => account.id === chrome.signedInAccount);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} | CloudFormation (Cloud Connect sandbox)</title>
${STYLE}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Console"><a href="${CONSOLE_PATHS.stacks}?region=${chrome.region}">CloudFormation</a> <span aria-hidden="true">&gt;</span> <span>${chrome.region}</span></nav>
<form method="post" action="${CONSOLE_PATHS.account}" aria-label="Account">
<p id="signed-in" style="display:inline">Signed in as account <strong>${formatAccountId(chrome.signedInAccount)}</strong>${current ? ` (${current.label})` : ''}</p>
<input type="hidden" name="returnTo" value="${chrome.returnTo}">
<label for="account-switch" style="display:inline;margin-left:1rem">Switch to</label>
<select id="account-switch" name="accountId">
${chrome.accounts.map(
  (account) =>
    html`<option value="${account.id}"${account.id === chrome.signedInAccount ? trustedHtml(' selected') : ''}>${formatAccountId(account.id)} (${account.label})</option>`,
)}
</select>
<button type="submit">Switch account</button>
</form>
</header>
<main id="main" tabindex="-1">
${body}
</main>
${script ?? ''}
</body>
</html>
`.value;
}

// Enables "Create stack" only once the acknowledgement is ticked (the server refuses it too).
const ACKNOWLEDGE_SCRIPT = trustedHtml(`<script>
(function () {
  var box = document.getElementById('acknowledge');
  var button = document.getElementById('create-stack');
  if (!box || !button) return;
  var sync = function () { button.disabled = !box.checked; };
  box.addEventListener('change', sync);
  sync();
})();
</script>`);

/** The quick-create page: the stack name, the parameters, the IAM acknowledgement, Create. */
export function quickCreatePage(view: QuickCreateView, chrome: ConsoleChrome): string {
  const { error } = view;
  const errorFor = (field: string) => (error?.field === field ? error : undefined);
  const describedBy = (field: string, hintId?: string) =>
    [hintId, errorFor(field) ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;
  const fieldError = (field: string) => {
    const found = errorFor(field);
    return found ? html`<p class="error" id="${field}-error">${found.message}</p>` : '';
  };
  const invalid = (field: string) => (errorFor(field) ? trustedHtml(' aria-invalid="true"') : '');
  const describedByAttribute = (field: string, hintId?: string) => {
    const ids = describedBy(field, hintId);
    return ids ? html` aria-describedby="${ids}"` : '';
  };

  const body = html`<h1>Quick create stack</h1>
${error && !error.field ? html`<div role="alert" id="form-error"><p>${error.message}</p></div>` : ''}
${error?.field ? html`<div role="alert"><p>The stack was not created: ${error.message}</p></div>` : ''}
<form method="post" action="${CONSOLE_PATHS.quickCreate}" novalidate>
<input type="hidden" name="region" value="${chrome.region}">
<fieldset>
<legend>Template</legend>
<p>Template URL</p>
<p><code id="template-url">${view.templateUrl}</code></p>
<input type="hidden" name="templateURL" value="${view.templateUrl}">
</fieldset>
<fieldset>
<legend>Stack name</legend>
<label for="stackName">Stack name</label>
<p class="hint" id="stackName-hint">Letters (A-Z and a-z), numbers (0-9) and dashes; it starts with a letter.</p>
<input type="text" id="stackName" name="stackName" value="${view.stackName}" required${invalid('stackName')}${describedByAttribute('stackName', 'stackName-hint')}>
${fieldError('stackName')}
</fieldset>
<fieldset>
<legend>Parameters</legend>
${
  view.parameters.length === 0
    ? html`<p>This template has no parameters.</p>`
    : view.parameters.map((parameter) => {
        const field = `param_${parameter.name}`;
        const hintId = parameter.description ? `${field}-hint` : undefined;
        return html`<label for="${field}">${parameter.label}</label>
${parameter.description ? html`<p class="hint" id="${hintId}">${parameter.description}</p>` : ''}
<input type="text" id="${field}" name="${field}" value="${parameter.value}"${invalid(field)}${describedByAttribute(field, hintId)}>
${fieldError(field)}`;
      })
}
</fieldset>
${
  view.capabilityResourceTypes.length > 0
    ? html`<fieldset>
<legend>Capabilities</legend>
<p id="capabilities-notice">The following resource(s) require capabilities: [${view.capabilityResourceTypes.join(', ')}]</p>
<p class="hint">This template contains Identity and Access Management (IAM) resources that might provide entities access to make changes to your AWS account. Check that you want to create each of these resources and that they have the minimum required permissions.</p>
<div class="check">
<input type="checkbox" id="acknowledge" name="acknowledge" value="yes"${view.acknowledged ? trustedHtml(' checked') : ''}${invalid('acknowledge')}${describedByAttribute('acknowledge', 'capabilities-notice')}>
<label for="acknowledge">${
        view.namedIam
          ? 'I acknowledge that AWS CloudFormation might create IAM resources with custom names.'
          : 'I acknowledge that AWS CloudFormation might create IAM resources.'
      }</label>
${fieldError('acknowledge')}
</div>
</fieldset>`
    : ''
}
<button type="submit" id="create-stack">Create stack</button>
</form>`;
  return layout('Quick create stack', chrome, body, ACKNOWLEDGE_SCRIPT);
}

// Hands the fragment (which never reaches a server) to the server-rendered pages as a query.
const FRAGMENT_SCRIPT = trustedHtml(`<script>
(function () {
  var match = /^#\\/stacks(\\/quickcreate)?\\?(.*)$/.exec(location.hash);
  if (!match) return;
  var region = new URLSearchParams(location.search).get('region') || 'us-east-1';
  var path = match[1] ? '${CONSOLE_PATHS.quickCreate}' : '${CONSOLE_PATHS.stacks}';
  location.replace(path + '?region=' + encodeURIComponent(region) + '&' + match[2]);
})();
</script>`);

// Reloads the list every 2 s while a stack is changing, unless the person is typing.
const REFRESH_SCRIPT = trustedHtml(`<script>
setTimeout(function () {
  var active = document.activeElement;
  if (!active || active.tagName !== 'INPUT') location.reload();
}, 2000);
</script>`);

const IN_PROGRESS = /_IN_PROGRESS$/;

/** The stack list, filtered by name, with each stack's status and a Delete button. */
export function stacksPage(
  view: StacksView,
  chrome: ConsoleChrome,
  options: { forwardFragment?: boolean } = {},
): string {
  const wanted = view.filteringText.toLowerCase();
  const stacks = view.stacks.filter(
    (stack) =>
      stack.name.toLowerCase().includes(wanted) &&
      (view.filteringStatus === 'deleted') === (stack.status === 'DELETE_COMPLETE'),
  );
  const changing = stacks.some((stack) => IN_PROGRESS.test(stack.status));
  const body = html`<h1>Stacks (${stacks.length})</h1>
<form method="get" action="${CONSOLE_PATHS.stacks}" role="search">
<input type="hidden" name="region" value="${chrome.region}">
<label for="filteringText">Filter by stack name</label>
<input type="text" id="filteringText" name="filteringText" value="${view.filteringText}">
<label for="filteringStatus">Status</label>
<select id="filteringStatus" name="filteringStatus">
<option value="active"${view.filteringStatus === 'active' ? trustedHtml(' selected') : ''}>Active</option>
<option value="deleted"${view.filteringStatus === 'deleted' ? trustedHtml(' selected') : ''}>Deleted</option>
</select>
<button type="submit">Filter</button>
</form>
<p><a href="${chrome.returnTo}">Refresh</a></p>
${
  stacks.length === 0
    ? html`<p id="no-stacks">No stacks to display.</p>`
    : html`<table>
<caption>Stacks in ${chrome.region} of account ${formatAccountId(chrome.signedInAccount)}</caption>
<thead><tr><th scope="col">Stack name</th><th scope="col">Status</th><th scope="col">Created time</th><th scope="col">Status reason</th><th scope="col">Actions</th></tr></thead>
<tbody>
${stacks.map(
  (stack) => html`<tr data-stack-name="${stack.name}">
<th scope="row">${stack.name}</th>
<td><span class="status" data-status="${stack.status}">${stack.status}</span></td>
<td><time datetime="${new Date(stack.createdAt).toISOString()}">${new Date(stack.createdAt).toISOString()}</time></td>
<td>${stack.statusReason ?? ''}</td>
<td>${
    stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS'
      ? ''
      : html`<form method="post" action="${CONSOLE_PATHS.deleteStack}">
<input type="hidden" name="region" value="${chrome.region}">
<input type="hidden" name="stackId" value="${stack.stackId}">
<input type="hidden" name="returnTo" value="${chrome.returnTo}">
<button type="submit" aria-label="Delete stack ${stack.name}">Delete</button>
</form>`
  }</td>
</tr>`,
)}
</tbody>
</table>`
}`;
  const scripts = html`${options.forwardFragment ? FRAGMENT_SCRIPT : ''}${changing ? REFRESH_SCRIPT : ''}`;
  return layout('Stacks', chrome, body, scripts);
}

/** A page that explains a refused console request (a malformed form, an unknown stack). */
export function consoleErrorPage(title: string, message: string, chrome: ConsoleChrome): string {
  return layout(
    title,
    chrome,
    html`<h1>${title}</h1><div role="alert"><p>${message}</p></div><p><a href="${CONSOLE_PATHS.stacks}?region=${chrome.region}">Back to stacks</a></p>`,
  );
}

/** A minimal page for answers outside the console (404, a bad request target). */
export function plainPage(title: string, message: string): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1><p>${message}</p></main></body></html>
`.value;
}

/** The sandbox's front page: where the console, the template and the settings are. */
export function sandboxIndexPage(templatePath: string): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cloud Connect sandbox</title></head>
<body><main>
<h1>Cloud Connect sandbox</h1>
<p>A local AWS (STS and CloudFormation) for developing and testing Cloud Connect.</p>
<ul>
<li><a href="${CONSOLE_PATHS.home}?region=us-east-1">CloudFormation console</a></li>
<li><a href="${templatePath}">Role template</a></li>
<li><a href="/_sandbox">Sandbox settings (JSON)</a></li>
</ul>
</main></body></html>
`.value;
}
