/**
 * The AWS Query protocol as the SDK v3 clients speak it for STS and CloudFormation:
 * form-encoded requests, XML responses wrapped in `<ActionResponse>` with a RequestId,
 * and `<ErrorResponse>` documents for errors.
 */

/** Where an error is blamed, as AWS reports it in `<Type>`. */
export type ErrorFault = 'Sender' | 'Receiver';

/** An error the sandbox answers the way AWS would: code, message and HTTP status. */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fault: ErrorFault;

  constructor(code: string, message: string, status = 400, fault: ErrorFault = 'Sender') {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.fault = fault;
  }
}

/** The decoded parameters of one Query request (flat keys such as `Parameters.member.1.ParameterKey`). */
export type QueryParams = ReadonlyMap<string, string>;

/**
 * Decodes an `application/x-www-form-urlencoded` body strictly: a broken percent escape is an
 * error (as on AWS), where `URLSearchParams` would silently keep the raw text.
 */
export function parseQueryString(text: string): Map<string, string> {
  const params = new Map<string, string>();
  if (text.length === 0) return params;
  for (const pair of text.split('&')) {
    if (pair.length === 0) continue;
    const at = pair.indexOf('=');
    const rawKey = at === -1 ? pair : pair.slice(0, at);
    const rawValue = at === -1 ? '' : pair.slice(at + 1);
    params.set(decodeFormComponent(rawKey), decodeFormComponent(rawValue));
  }
  return params;
}

function decodeFormComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new AwsError('MalformedQueryString', 'The query string contains a syntax error.', 404);
  }
}

/** Where a developer who meets `NotImplemented` reads what the sandbox serves. */
const OPERATIONS_GUIDE =
  'See "Operations served" in the sandbox guide (docs/sandbox.md of @porter/cloud-connect-sandbox).';

/**
 * The sandbox's answer to an operation it does not serve: never AWS's "Could not find
 * operation", which would make a developer suspect their client. 501, which no SDK retries.
 */
export function notImplemented(
  service: string,
  action: string,
  served: readonly string[],
): AwsError {
  return new AwsError(
    'NotImplemented',
    `The Cloud Connect sandbox does not implement ${service} ${action}. It serves ${service}: ${served.join(', ')}. ${OPERATIONS_GUIDE}`,
    501,
    'Receiver',
  );
}

/** The sandbox's answer to a request signed for a service it does not serve at all. */
export function serviceNotImplemented(service: string): AwsError {
  return new AwsError(
    'NotImplemented',
    `The Cloud Connect sandbox does not implement the ${service} service; it serves sts and cloudformation. ${OPERATIONS_GUIDE}`,
    501,
    'Receiver',
  );
}

/** A required string parameter; a missing one is AWS's "Member must not be null" validation error. */
export function requireParam(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === undefined) {
    throw validationError(
      `Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** Checks a string parameter's length and pattern as AWS's model constraints do. */
export function checkParam(
  name: string,
  value: string,
  constraints: { min?: number; max?: number; pattern?: RegExp },
  options: { echo?: boolean } = {},
): void {
  const member = lowerFirst(name);
  // A template body is not echoed back: 51 KB of it in an error helps nobody.
  const shown = options.echo === false ? '' : `'${value}' `;
  if (constraints.min !== undefined && value.length < constraints.min) {
    throw validationError(
      `Value ${shown}at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${constraints.min}`,
    );
  }
  if (constraints.max !== undefined && value.length > constraints.max) {
    throw validationError(
      `Value ${shown}at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${constraints.max}`,
    );
  }
  if (constraints.pattern && !constraints.pattern.test(value)) {
    throw validationError(
      `Value ${shown}at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${constraints.pattern.source.replace(/^\^|\$$/g, '')}`,
    );
  }
}

/** AWS's model validation error, with its "1 validation error detected" preamble. */
function validationError(detail: string): AwsError {
  return new AwsError('ValidationError', `1 validation error detected: ${detail}`);
}

/** Reads a Query list (`Name.member.1`, `Name.member.2`, ...) of plain strings. */
export function readList(params: QueryParams, name: string): string[] {
  const items: string[] = [];
  for (let index = 1; ; index++) {
    const value = params.get(`${name}.member.${index}`);
    if (value === undefined) return items;
    items.push(value);
  }
}

/** Reads a Query list of structures (`Name.member.1.Field`), keeping the fields given. */
export function readStructList(
  params: QueryParams,
  name: string,
  fields: readonly string[],
): Array<Record<string, string | undefined>> {
  const items: Array<Record<string, string | undefined>> = [];
  for (let index = 1; ; index++) {
    const prefix = `${name}.member.${index}.`;
    const item: Record<string, string | undefined> = {};
    let present = false;
    for (const field of fields) {
      const value = params.get(prefix + field);
      if (value !== undefined) present = true;
      item[field] = value;
    }
    if (!present) return items;
    items.push(item);
  }
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A value that renders to XML: nested objects become elements, arrays become `<member>` lists. */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | readonly XmlValue[]
  | { readonly [element: string]: XmlValue };

/** Escapes text for XML element content and attribute values. */
function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ENTITIES[char] ?? char);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Renders the children of one element (never the element itself). */
function renderXml(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.map((item) => `<member>${renderXml(item)}</member>`).join('');
  }
  let out = '';
  for (const [name, child] of Object.entries(value as Record<string, XmlValue>)) {
    if (child === undefined) continue;
    out += `<${name}>${renderXml(child)}</${name}>`;
  }
  return out;
}

/** The XML document of a successful Query action. An undefined `result` omits `<ActionResult>`. */
export function renderResponse(
  action: string,
  xmlns: string,
  result: XmlValue,
  requestId: string,
): string {
  const body =
    result === undefined ? '' : `<${action}Result>${renderXml(result)}</${action}Result>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="${escapeXml(xmlns)}">${body}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  );
}

/** The XML document of a Query error, shaped exactly as STS and CloudFormation send it. */
export function renderError(error: AwsError, xmlns: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ErrorResponse xmlns="${escapeXml(xmlns)}"><Error>` +
    `<Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message>` +
    `</Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
