import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomBytes, toBase64Url, toHex } from '../src/random-bytes';

describe('Web Crypto randomness and its encodings', () => {
  it('encodes any bytes as base64url exactly as Node does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes any bytes as lower-case hex exactly as Node does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
      }),
      { numRuns: 500 },
    );
  });

  it('returns as many bytes as asked, different each time', () => {
    expect(randomBytes(24)).toHaveLength(24);
    expect(toHex(randomBytes(16))).not.toBe(toHex(randomBytes(16)));
  });
});
