import * as crypto from 'node:crypto';
import { afterEach, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index';

// Counts the RSA keys made, passing each call through to Node's own.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, generateKeyPairSync: vi.fn(original.generateKeyPairSync) };
});

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

it('makes the SNS signing key when SNS first needs it, not at start-up, and only once', async () => {
  const keysMade = vi.mocked(crypto.generateKeyPairSync);
  keysMade.mockClear();
  sandbox = await startSandbox();
  sandbox.sns.createTopic('porter-connect-events');
  expect(keysMade).not.toHaveBeenCalled();

  const first = await fetch(sandbox.sns.signingCertUrl);
  expect(first.status).toBe(200);
  expect(new crypto.X509Certificate(await first.text()).publicKey.asymmetricKeyType).toBe('rsa');
  const second = await fetch(sandbox.sns.signingCertUrl);
  expect(await second.text()).toContain('BEGIN CERTIFICATE');
  expect(keysMade).toHaveBeenCalledTimes(1);
});
