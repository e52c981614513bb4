/**
 * The English `message` of the handler's error bodies. They describe API misuse to the developer
 * reading the answer (core's client shows its own catalog message for each code), so they live
 * here rather than in the browser's message catalog. Override any of them with `wireMessages`.
 */
export const defaultWireMessages = {
  invalidJson: 'The request body is not valid JSON.',
  invalidBody: 'The request body must be a JSON object.',
  notFound: 'There is nothing at this address.',
  sessionNotFound: 'There is no connection session with this id.',
  connectionNotFound: 'There is no connection to AWS account {accountId}.',
  methodNotAllowed: 'This address does not accept {method}. Use {allowed}.',
  payloadTooLarge: 'The request body is larger than the limit of {limit} bytes.',
  requestTimeout: 'The request body did not arrive within {seconds} seconds.',
  unsupportedMediaType: 'Send the request body as JSON (Content-Type: application/json).',
  upstream: 'AWS gave an answer we could not interpret. Try again in a moment.',
  internal: 'Something went wrong on our side. Try again in a moment.',
} as const;

/** A stable id of an error-body message. */
export type WireMessageId = keyof typeof defaultWireMessages;

/** Per-id replacements for error-body messages. */
export type WireMessageOverrides = Partial<Record<WireMessageId, string>>;

/** The message for an id with `{name}` placeholders filled; unknown placeholders stay as written. */
export function wireMessage(
  id: WireMessageId,
  values?: Readonly<Record<string, string | number>>,
  overrides?: WireMessageOverrides,
): string {
  const template = overrides?.[id] ?? defaultWireMessages[id];
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
