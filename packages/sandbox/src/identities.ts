import { randomBytes } from 'node:crypto';
import type { PolicyDocument } from './trust-policy';

/** A set of AWS credentials, as the SDK's `credentials` option takes them. */
export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Who is calling: an IAM user, or a session of an assumed role. */
export type CallerIdentity =
  | { kind: 'user'; accountId: string; arn: string; userId: string }
  | {
      kind: 'assumed-role';
      accountId: string;
      /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
      arn: string;
      /** `<RoleId>:<session>` */
      userId: string;
      roleArn: string;
      roleName: string;
      sessionName: string;
      /** Session policies (AssumeRole's Policy and PolicyArns): they narrow the role's permissions. */
      sessionPolicies?: PolicyDocument[];
      /** Session tags (AssumeRole's Tags), as `aws:PrincipalTag/<key>` sees them. */
      tags?: Readonly<Record<string, string>>;
      sourceIdentity?: string;
    };

interface CredentialRecord {
  credentials: SandboxCredentials;
  identity: CallerIdentity;
  /** Epoch ms after which temporary credentials are refused (ExpiredToken). */
  expiresAt?: number;
}

/** Why a presented access key was refused, named as AWS names the error. */
export type CredentialProblem = 'InvalidClientTokenId' | 'ExpiredToken';

/**
 * The access keys the sandbox knows: long-lived keys of its IAM users and the temporary
 * credentials its STS issued. Signatures are verified against these secrets.
 */
export class CredentialStore {
  readonly #records = new Map<string, CredentialRecord>();

  /** Registers an IAM user's long-lived access key. */
  addUser(
    identity: Extract<CallerIdentity, { kind: 'user' }>,
    credentials: SandboxCredentials,
  ): void {
    this.#records.set(credentials.accessKeyId, { credentials, identity });
  }

  /**
   * Issues temporary credentials (ASIA key, secret, session token): for an assumed-role
   * session, or for an IAM user's GetSessionToken.
   */
  issue(identity: CallerIdentity, expiresAt: number): SandboxCredentials {
    const credentials: SandboxCredentials = {
      accessKeyId: `ASIA${randomId(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
    };
    this.#records.set(credentials.accessKeyId, { credentials, identity, expiresAt });
    return credentials;
  }

  /**
   * Finds the credentials behind an access key presented with an optional session token, or
   * says why they are refused (an unknown key or a token that does not match is "invalid").
   */
  resolve(
    accessKeyId: string,
    sessionToken: string | undefined,
    now: number,
  ):
    | {
        ok: true;
        credentials: SandboxCredentials;
        identity: CallerIdentity;
        /** Whether these are temporary credentials (they came with a session token). */
        temporary: boolean;
      }
    | { ok: false; problem: CredentialProblem } {
    const record = this.#records.get(accessKeyId);
    if (!record) return { ok: false, problem: 'InvalidClientTokenId' };
    if (record.credentials.sessionToken !== sessionToken)
      return { ok: false, problem: 'InvalidClientTokenId' };
    if (record.expiresAt !== undefined && now >= record.expiresAt)
      return { ok: false, problem: 'ExpiredToken' };
    return {
      ok: true,
      credentials: record.credentials,
      identity: record.identity,
      temporary: sessionToken !== undefined,
    };
  }

  /** The account an access key belongs to, if the sandbox knows the key. */
  accountOf(accessKeyId: string): string | undefined {
    return this.#records.get(accessKeyId)?.identity.accountId;
  }
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An upper-case id like AWS's key and principal ids (AKIA..., AROA...). */
export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}
