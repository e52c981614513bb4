import { X509Certificate } from 'node:crypto';
import { createSnsSigner } from '@porter/cloud-connect-sandbox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pemToDer, readCertificate } from '../src/stack-events/x509-public-key';

describe('readCertificate', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2051-06-01T00:00:00Z');
  const pem = createSnsSigner({ notBefore, notAfter }).certificatePem;

  it('reads the public key Node reads, and the validity (UTCTime before 2050, GeneralizedTime after)', () => {
    const der = pemToDer(pem);
    if (!der) throw new Error('no DER');
    const certificate = readCertificate(der);
    expect(certificate?.notBefore).toBe(notBefore.getTime());
    expect(certificate?.notAfter).toBe(notAfter.getTime());
    const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    expect(Buffer.from(certificate?.spki ?? []).equals(spki)).toBe(true);
  });

  it('returns null, never throws, for any bytes or any truncation of a certificate', () => {
    const der = pemToDer(pem) ?? new Uint8Array();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(der.length), (noise, cut) => {
        expect(readCertificate(new Uint8Array(noise))).toBeNull();
        const truncated = der.slice(0, cut);
        if (cut < der.length) expect(readCertificate(truncated)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('finds no certificate in text that is not PEM', () => {
    expect(pemToDer('hello')).toBeNull();
    expect(pemToDer('-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----')).toBeNull();
  });
});
