import { refusal } from './errors';
import type { MessageOverrides } from './messages';
import { accountIdMessages } from './messages/account-id';

/** Why an account ID was refused. */
export type AccountIdErrorCode = 'empty' | 'invalid-characters' | 'wrong-length';

export type ParseAccountIdResult =
  | { ok: true; accountId: string }
  | { ok: false; code: AccountIdErrorCode; message: string };

const ACCOUNT_ID_LENGTH = 12;
// What people paste: groups split by spaces or hyphens (including tabs and a trailing newline).
const SEPARATORS = /[\s-]/g;
const ASCII_DIGITS = /^[0-9]*$/;

/**
 * Reads a 12-digit AWS account ID the way people paste it (`1234-5678-9012`,
 * `1234 5678 9012`, surrounding spaces). Only ASCII digits count; leading zeros are kept, so
 * the result is always a string. Never throws, whatever it is given.
 *
 * @example
 * parseAccountId(' 0123-4567-8901\n') // { ok: true, accountId: '012345678901' }
 * parseAccountId('1234')              // { ok: false, code: 'wrong-length', message: '...' }
 */
export function parseAccountId(input: unknown, messages?: MessageOverrides): ParseAccountIdResult {
  // A number would already have lost its leading zeros: refuse rather than guess.
  if (typeof input !== 'string' && input != null)
    return refusal(
      'invalid-characters',
      accountIdMessages,
      'accountId.notText',
      undefined,
      messages,
    );
  const compact = (input ?? '').replace(SEPARATORS, '');
  if (compact === '')
    return refusal('empty', accountIdMessages, 'accountId.empty', undefined, messages);
  if (!ASCII_DIGITS.test(compact)) {
    const character = [...compact].find((c) => c < '0' || c > '9') ?? '';
    return refusal(
      'invalid-characters',
      accountIdMessages,
      'accountId.invalidCharacters',
      {
        character: describe(character),
      },
      messages,
    );
  }
  if (compact.length !== ACCOUNT_ID_LENGTH) {
    return refusal(
      'wrong-length',
      accountIdMessages,
      'accountId.wrongLength',
      { count: compact.length },
      messages,
    );
  }
  return { ok: true, accountId: compact };
}

/** Whether a value is already a canonical account ID (12 ASCII digits, nothing else). */
export function isAccountId(value: unknown): value is string {
  const parsed = parseAccountId(value);
  return parsed.ok && parsed.accountId === value;
}

/**
 * Formats an account ID for display: `123456789012` -> `1234-5678-9012`. Anything that does
 * not parse is returned as given, so a display never throws.
 */
export function formatAccountId(id: string): string {
  const parsed = parseAccountId(id);
  return parsed.ok ? parsed.accountId.replace(/(\d{4})(?=\d)/g, '$1-') : id;
}

// Shows an offending character so a person can find it, even when it is invisible or looks like a digit.
function describe(character: string): string {
  const printableAscii = character >= '!' && character <= '~';
  if (printableAscii) return `"${character}"`;
  const codePoint = character.codePointAt(0) ?? 0;
  return `the character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
