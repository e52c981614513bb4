import { describe, expect, it } from 'vitest';
import { CloudConnectError, ERROR_CODES, errorInfo, isErrorCode } from '../src/errors';
import { defaultMessages } from '../src/messages';

describe('error codes', () => {
  it('retries as is only what waiting can fix; the rest need the user, the vendor or sign-in', () => {
    const retryable = ERROR_CODES.filter((code) => errorInfo(code).retryable);
    expect(retryable.sort()).toEqual(
      ['ACCESS_LOST', 'NETWORK', 'RATE_LIMITED', 'SESSION_FAILED', 'TIMED_OUT'].sort(),
    );
    expect(new CloudConnectError('STS_REGION_DISABLED').retryable).toBe(false);
  });

  it('has a catalog message for every code, so no error reaches a user without words', () => {
    for (const code of ERROR_CODES) {
      expect(defaultMessages[`error.${code}`], code).toMatch(/^[A-Z].{20,}[.?]$/);
      expect(new CloudConnectError(code).message).toBe(defaultMessages[`error.${code}`]);
    }
  });

  it('knows its own codes and nothing else', () => {
    expect(ERROR_CODES.every(isErrorCode)).toBe(true);
    for (const other of ['UPSTREAM', 'error', '', null, 42, 'network']) {
      expect(isErrorCode(other)).toBe(false);
    }
  });
});
