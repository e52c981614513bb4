// Just enough DER to read an X.509 certificate's public key and validity: the SNS signing
// certificate is all the server parses, and Web Crypto imports the key from its SPKI bytes.

/** What the server needs from a signing certificate. */
export interface CertificateKey {
  /** The DER bytes of the SubjectPublicKeyInfo, for `crypto.subtle.importKey('spki', ...)`. */
  spki: Uint8Array<ArrayBuffer>;
  /** Epoch ms. */
  notBefore: number;
  /** Epoch ms. */
  notAfter: number;
}

interface Element {
  tag: number;
  /** Where the content starts and ends (exclusive) in the whole buffer. */
  start: number;
  end: number;
  /** Where the element (header included) starts. */
  headerStart: number;
}

const SEQUENCE = 0x30;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const EXPLICIT_VERSION = 0xa0;

/** The first certificate of a PEM text, or null when there is none. */
export function pemToDer(pem: string): Uint8Array<ArrayBuffer> | null {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) return null;
  const base64 = match[1].replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return null;
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The public key and validity of a DER certificate, or null when the bytes are not one: every
 * length is checked against its parent, so no input reads out of bounds or throws.
 */
export function readCertificate(der: Uint8Array<ArrayBuffer>): CertificateKey | null {
  const certificate = readElement(der, 0, der.length);
  if (certificate?.tag !== SEQUENCE || certificate.end !== der.length) return null;
  const tbs = readElement(der, certificate.start, certificate.end);
  if (tbs?.tag !== SEQUENCE) return null;
  const fields = children(der, tbs);
  if (!fields) return null;
  // [0] version is optional (v1 certificates leave it out).
  const offset = fields[0]?.tag === EXPLICIT_VERSION ? 1 : 0;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const validity = fields[offset + 3];
  const spki = fields[offset + 5];
  if (validity?.tag !== SEQUENCE || spki?.tag !== SEQUENCE) return null;
  const times = children(der, validity);
  const notBefore = times?.[0] && readTime(der, times[0]);
  const notAfter = times?.[1] && readTime(der, times[1]);
  if (notBefore === undefined || notAfter === undefined) return null;
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) return null;
  return { spki: der.slice(spki.headerStart, spki.end), notBefore, notAfter };
}

function readElement(bytes: Uint8Array, at: number, limit: number): Element | null {
  if (at + 2 > limit) return null;
  const tag = bytes[at] ?? 0;
  // Multi-byte tags never occur in the fields read here.
  if ((tag & 0x1f) === 0x1f) return null;
  let length = bytes[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // Indefinite lengths are not DER; four bytes of length is far beyond any certificate.
    if (count === 0 || count > 4 || start + count > limit) return null;
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  if (end > limit) return null;
  return { tag, start, end, headerStart: at };
}

function children(bytes: Uint8Array, parent: Element): Element[] | null {
  const result: Element[] = [];
  let at = parent.start;
  while (at < parent.end) {
    const child = readElement(bytes, at, parent.end);
    if (!child) return null;
    result.push(child);
    at = child.end;
  }
  return result;
}

function readTime(bytes: Uint8Array, element: Element): number | undefined {
  if (element.tag !== UTC_TIME && element.tag !== GENERALIZED_TIME) return undefined;
  const text = String.fromCharCode(...bytes.subarray(element.start, element.end));
  // UTCTime YYMMDDhhmmssZ (years 50-99 are 19xx); GeneralizedTime YYYYMMDDhhmmssZ.
  const match =
    element.tag === UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const year = element.tag === UTC_TIME ? ((y ?? 0) >= 50 ? 1900 : 2000) + (y ?? 0) : (y ?? 0);
  return Date.UTC(year, (mo ?? 1) - 1, d, h, mi, s);
}
