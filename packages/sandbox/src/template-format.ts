/**
 * Reads a template body as CloudFormation does: JSON, or YAML with the short-form function
 * tags (`!Ref`, `!Sub`, `!GetAtt`, ...), within CloudFormation's limits, so a hostile body is a
 * 400 ValidationError and never a crash or a stall.
 */
import { isAlias, isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { AwsError } from './query-protocol';

/** CloudFormation's limit on `TemplateBody`, in characters. */
export const MAX_TEMPLATE_BODY_LENGTH = 51_200;

/** How deep objects and lists may nest; real templates stay far below it. */
const MAX_TEMPLATE_DEPTH = 100;

// The short forms CloudFormation's YAML knows, and the long form each stands for.
const SHORT_FORMS = new Map<string, string>([
  ['!Ref', 'Ref'],
  ['!Condition', 'Condition'],
  ...[
    'Sub',
    'GetAtt',
    'If',
    'Join',
    'Select',
    'Split',
    'FindInMap',
    'Equals',
    'Not',
    'And',
    'Or',
    'Base64',
    'Cidr',
    'GetAZs',
    'ImportValue',
    'Length',
    'ToJsonString',
  ].map((name): [string, string] => [`!${name}`, `Fn::${name}`]),
]);

function formatError(detail: string): AwsError {
  return new AwsError('ValidationError', `Template format error: ${detail}`);
}

/**
 * Parses a template body: JSON when it starts with `{`, YAML otherwise. Refuses what
 * CloudFormation refuses with its ValidationError; never throws anything else.
 */
export function parseTemplateBody(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A stack overflow on absurd nesting is "not well-formed" too.
      throw formatError('JSON not well-formed.');
    }
    checkDepth(value);
    return value;
  }
  return parseYaml(text);
}

function parseYaml(text: string): unknown {
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { uniqueKeys: true });
  } catch {
    throw formatError('YAML not well-formed.');
  }
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    throw formatError(
      `YAML not well-formed.${position ? ` (line ${position.line}, column ${position.col})` : ''}`,
    );
  }
  return toTemplateValue(document.contents, 0);
}

// Recursion stays shallow: depth is checked on the way down.
function toTemplateValue(node: Node | null, depth: number): unknown {
  if (depth > MAX_TEMPLATE_DEPTH) throw tooDeep();
  if (node === null) return null;
  if (isAlias(node)) throw formatError('YAML aliases are not supported.');
  let value: unknown;
  if (isScalar(node)) {
    value = node.value;
  } else if (isSeq(node)) {
    value = node.items.map((item) => toTemplateValue(item as Node | null, depth + 1));
  } else if (isMap(node)) {
    const record: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = toTemplateValue(pair.key as Node | null, depth + 1);
      if (typeof key === 'object' && key !== null) {
        throw formatError('YAML mapping keys must be strings.');
      }
      // An own property even for `__proto__`, as JSON.parse makes it.
      Object.defineProperty(record, String(key), {
        value: toTemplateValue(pair.value as Node | null, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    value = record;
  } else {
    throw formatError('YAML not well-formed.');
  }
  const longForm = node.tag === undefined ? undefined : SHORT_FORMS.get(node.tag);
  if (longForm === undefined) return value;
  // `!GetAtt Resource.Attribute` is the list form's short-hand.
  if (longForm === 'Fn::GetAtt' && typeof value === 'string') {
    const at = value.indexOf('.');
    return { [longForm]: at === -1 ? [value] : [value.slice(0, at), value.slice(at + 1)] };
  }
  return { [longForm]: value };
}

/** Refuses a parsed value nested deeper than MAX_TEMPLATE_DEPTH, without recursing. */
export function checkDepth(root: unknown): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_TEMPLATE_DEPTH) throw tooDeep();
    for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
  }
}

function tooDeep(): AwsError {
  return formatError(
    `The template nests objects and lists deeper than ${MAX_TEMPLATE_DEPTH} levels.`,
  );
}
