// The sandbox's stand-in for SNS's signing certificate: an RSA key and a self-signed X.509
// certificate written here in DER (a few fields, nothing more), and SNS's signature over a
// message in versions 1 (SHA1) and 2 (SHA256).
import { generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/** A signing certificate and the key that signs with it. */
export interface SnsSigner {
  /** The certificate as PEM: what the sandbox serves at its SigningCertURL. */
  certificatePem: string;
  /** The `Signature` of an SNS message (its fields as SNS signs them). */
  sign(message: Readonly<Record<string, string | undefined>>, version: '1' | '2'): string;
}

/** Options of {@link createSnsSigner}. */
export interface SnsSignerOptions {
  /** The certificate's validity. @default one day before now until one year after */
  notBefore?: Date;
  notAfter?: Date;
  /** The certificate's common name. @default 'sns.sandbox.invalid' */
  commonName?: string;
}

/**
 * A fresh RSA-2048 key and a self-signed certificate for it, signing SNS messages as SNS does.
 *
 * @example
 * const signer = createSnsSigner();
 * const Signature = signer.sign({ Type: 'Notification', Message, MessageId, Timestamp, TopicArn }, '2');
 */
export function createSnsSigner(options: SnsSignerOptions = {}): SnsSigner {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const certificate = selfSignedCertificate({
    publicKey,
    privateKey,
    notBefore: options.notBefore ?? new Date(now - 86_400_000),
    notAfter: options.notAfter ?? new Date(now + 365 * 86_400_000),
    commonName: options.commonName ?? 'sns.sandbox.invalid',
  });
  const base64 = certificate.toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
    sign(message, version) {
      const text = snsStringToSign(message);
      return sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(text), privateKey).toString(
        'base64',
      );
    },
  };
}

/** The text SNS signs: the fields of the message's type as `name\nvalue\n`, in this order. */
export function snsStringToSign(message: Readonly<Record<string, string | undefined>>): string {
  const keys =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((key) => message[key] !== undefined)
    .map((key) => `${key}\n${message[key]}\n`)
    .join('');
}

function selfSignedCertificate(input: {
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  commonName: string;
}): Buffer {
  // sha256WithRSAEncryption, parameters NULL.
  const algorithm = sequence(oid([1, 2, 840, 113549, 1, 1, 11]), Buffer.from([0x05, 0x00]));
  const name = sequence(
    set(sequence(oid([2, 5, 4, 3]), element(0x0c, Buffer.from(input.commonName, 'utf8')))),
  );
  const serial = randomBytes(8);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive
  const tbs = sequence(
    element(0xa0, element(0x02, Buffer.from([0x02]))), // [0] version v3
    element(0x02, serial),
    algorithm,
    name,
    sequence(utcTime(input.notBefore), utcTime(input.notAfter)),
    name,
    input.publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, input.privateKey);
  return sequence(tbs, algorithm, element(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

function element(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else {
    const bytes: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    header = [tag, 0x80 | bytes.length, ...bytes];
  }
  return Buffer.concat([Buffer.from(header), content]);
}

const sequence = (...parts: Buffer[]) => element(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => element(0x31, Buffer.concat(parts));

function oid(arcs: number[]): Buffer {
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const group: number[] = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) group.unshift(0x80 | (value & 0x7f));
    bytes.push(...group);
  }
  return element(0x06, Buffer.from(bytes));
}

// RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? element(0x17, Buffer.from(`${text.slice(2)}Z`, 'ascii'))
    : element(0x18, Buffer.from(`${text}Z`, 'ascii'));
}
