import { accountIdMessages } from './messages/account-id';
import { errorMessages } from './messages/errors';
import { formatMessage } from './messages/format';
import { linkMessages } from './messages/links';
import { permissionMessages } from './messages/permissions';
import { serverMessages } from './messages/server';
import { statusMessages } from './messages/status';

// One function call, marked pure, so a page that never reads the whole catalog drops it.
function allMessages() {
  return {
    ...accountIdMessages,
    ...errorMessages,
    ...serverMessages,
    ...linkMessages,
    ...permissionMessages,
    ...statusMessages,
  };
}

/**
 * The English message catalog: every user-facing string (errors, status lines, permission
 * descriptions) under a stable id; hosts translate by passing `messages` overrides. It is split
 * by area (`src/messages/*`) and the SDK reads each area where it is used, so a page that only
 * parses account IDs bundles only the account ID messages. `{name}` placeholders are filled from
 * the values given to `messageFor`.
 */
export const defaultMessages = /* @__PURE__ */ allMessages();

/** A stable message id. */
export type MessageId =
  | keyof typeof accountIdMessages
  | keyof typeof errorMessages
  | keyof typeof serverMessages
  | keyof typeof linkMessages
  | keyof typeof permissionMessages
  | keyof typeof statusMessages;

/** Per-id overrides a host passes to translate or reword any message. */
export type MessageOverrides = Partial<Record<MessageId, string>>;

/**
 * The message for any id, with `{name}` placeholders filled in. Overrides win; an unknown
 * placeholder is left as written so a mistranslation is visible, never a crash. It reads the
 * whole catalog: code that knows its area uses that area's catalog instead.
 */
export function messageFor(
  id: MessageId,
  values?: Readonly<Record<string, string | number>>,
  overrides?: MessageOverrides,
): string {
  return formatMessage(defaultMessages, id, values, overrides);
}
