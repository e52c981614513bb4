import { describe, expect, it } from 'vitest';
import { toErrorDetail } from '../src/backend';
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

describe('MISCONFIGURED and SESSION_NOT_FOUND', () => {
  it('need a fix or a new session, so neither retries as is', () => {
    expect(isErrorCode('MISCONFIGURED')).toBe(true);
    expect(isErrorCode('SESSION_NOT_FOUND')).toBe(true);
    expect(new CloudConnectError('MISCONFIGURED').retryable).toBe(false);
    expect(new CloudConnectError('SESSION_NOT_FOUND').retryable).toBe(false);
  });
});

describe('error detail', () => {
  it('travels with the plain-data form and survives JSON', () => {
    const detail = { status: 404, url: 'https://app.example/api/sessions', hint: 'check baseUrl' };
    const error = new CloudConnectError('MISCONFIGURED', undefined, { detail });
    expect(error.detail).toEqual(detail);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'MISCONFIGURED',
      message: defaultMessages['error.MISCONFIGURED'],
      retryable: false,
      detail,
    });
    expect(errorInfo('NETWORK')).not.toHaveProperty('detail');
  });

  it('keeps only the known plain fields of whatever a backend threw', () => {
    expect(
      toErrorDetail({ status: 404, url: '/x', cause: new Error('boom'), hint: 1, extra: 'x' }),
    ).toEqual({ status: 404, url: '/x' });
    expect(toErrorDetail({ status: Number.NaN, cause: 'refused' })).toEqual({ cause: 'refused' });
    for (const nothing of [undefined, null, 'text', 42, {}, { status: '404' }]) {
      expect(toErrorDetail(nothing)).toBeUndefined();
    }
  });
});
