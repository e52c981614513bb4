import { parseCallbackUrl } from './callback-url';
import { pemToDer, readCertificate } from './x509-public-key';

/** The SNS message types the subscription receives. */
export type SnsMessageType =
  | 'Notification'
  | 'SubscriptionConfirmation'
  | 'UnsubscribeConfirmation';

/** An SNS HTTP(S) delivery, its fields checked for type (not yet for authenticity). */
export interface SnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: '1' | '2';
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  /** Confirmations only. */
  SubscribeURL?: string;
  /** Confirmations only. */
  Token?: string;
}

const TYPES: readonly string[] = [
  'Notification',
  'SubscriptionConfirmation',
  'UnsubscribeConfirmation',
];

/** The body as an SNS message, or null when a field is missing or of the wrong type. */
export function parseSnsMessage(body: unknown): SnsMessage | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const value = body as Record<string, unknown>;
  const strings = [
    'Type',
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'Signature',
    'SigningCertURL',
  ];
  if (!strings.every((key) => typeof value[key] === 'string')) return null;
  if (!TYPES.includes(value.Type as string)) return null;
  if (value.SignatureVersion !== '1' && value.SignatureVersion !== '2') return null;
  for (const key of ['Subject', 'SubscribeURL', 'Token']) {
    if (value[key] !== undefined && typeof value[key] !== 'string') return null;
  }
  if (
    value.Type !== 'Notification' &&
    (value.SubscribeURL === undefined || value.Token === undefined)
  ) {
    return null;
  }
  return value as unknown as SnsMessage;
}

/**
 * The text SNS signs: the listed fields as `name\nvalue\n`, in this order, a notification's
 * Subject only when it has one.
 */
export function stringToSign(message: SnsMessage): string {
  const keys: (keyof SnsMessage)[] =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let text = '';
  for (const key of keys) {
    const value = message[key];
    if (value === undefined) continue;
    text += `${key}\n${value}\n`;
  }
  return text;
}

/** Where a signing certificate (and a SubscribeURL) may come from. */
export interface SnsHostRule {
  /** The SNS host of the topic's region: `sns.<region>.amazonaws.com` (`.com.cn` in China). */
  snsHost: string;
  /** The sandbox's origin, when the host opted in to it. */
  sandboxOrigin?: string;
}

/** The SNS host of a topic ARN's region, or null when the ARN is not an SNS topic. */
export function snsHostOf(topicArn: string): string | null {
  const match =
    /^arn:(aws|aws-us-gov|aws-cn):sns:([a-z]{2}(?:-[a-z]+)+-\d+):\d{12}:[\w-]{1,256}$/.exec(
      topicArn,
    );
  if (!match) return null;
  return `sns.${match[2]}.amazonaws.com${match[1] === 'aws-cn' ? '.cn' : ''}`;
}

/** Whether a URL is https on the topic's SNS host (or on the sandbox origin, when allowed). */
export function isSnsUrl(value: string, rule: SnsHostRule, pathPattern?: RegExp): boolean {
  const url = parseCallbackUrl(value);
  if (!url) return false;
  const onAws = url.protocol === 'https:' && url.host === rule.snsHost;
  const onSandbox = rule.sandboxOrigin !== undefined && url.origin === rule.sandboxOrigin;
  return (onAws || onSandbox) && (pathPattern === undefined || pathPattern.test(url.pathname));
}

/** Fetches (and caches) signing certificates' public keys. */
export interface CertificateSource {
  publicKey(url: string, version: '1' | '2', now: number): Promise<CryptoKey | null>;
}

const MAX_CACHED_CERTIFICATES = 32;
const MAX_CERTIFICATE_BYTES = 16 * 1024;

/**
 * Signing keys by certificate URL. A URL is fetched once (SNS rotates certificates rarely, and
 * under a new URL); a certificate outside its validity is refused.
 */
export function createCertificateSource(fetchFn: typeof fetch): CertificateSource {
  const cache = new Map<string, Promise<Uint8Array<ArrayBuffer> | null>>();
  const keys = new Map<string, Promise<CryptoKey | null>>();

  async function download(url: string): Promise<Uint8Array<ArrayBuffer> | null> {
    const response = await fetchFn(url, { redirect: 'error' });
    if (!response.ok) return null;
    const text = await response.text();
    if (text.length > MAX_CERTIFICATE_BYTES) return null;
    return pemToDer(text);
  }

  function remember<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>) {
    let entry = map.get(key);
    if (!entry) {
      if (map.size >= MAX_CACHED_CERTIFICATES) map.delete(map.keys().next().value as string);
      entry = make();
      map.set(key, entry);
      // A failed download is not kept: the next message tries again.
      entry.catch(() => map.delete(key));
    }
    return entry;
  }

  return {
    async publicKey(url, version, now) {
      const der = await remember(cache, url, () => download(url));
      const certificate = der && readCertificate(der);
      if (!certificate || now < certificate.notBefore || now > certificate.notAfter) return null;
      return remember(keys, `${version}\u0000${url}`, async () => {
        try {
          return await crypto.subtle.importKey(
            'spki',
            certificate.spki,
            { name: 'RSASSA-PKCS1-v1_5', hash: version === '1' ? 'SHA-1' : 'SHA-256' },
            false,
            ['verify'],
          );
        } catch {
          return null;
        }
      });
    },
  };
}

/** Whether the message carries a valid SNS signature by the certificate at its SigningCertURL. */
export async function hasValidSignature(
  message: SnsMessage,
  certificates: CertificateSource,
  now: number,
): Promise<boolean> {
  const signature = base64ToBytes(message.Signature);
  if (!signature) return false;
  const key = await certificates.publicKey(message.SigningCertURL, message.SignatureVersion, now);
  if (!key) return false;
  return crypto.subtle.verify(
    'RSASSA-PKCS1-v1_5',
    key,
    signature,
    new TextEncoder().encode(stringToSign(message)),
  );
}

function base64ToBytes(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return null;
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
