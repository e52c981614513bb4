import type {
  CallOptions,
  ConnectionCheck,
  Partition,
  RevocationCheck,
} from '@porter/cloud-connect';
import type { Logger } from './logger';

/** The role a check is about: the customer's account, the session's ExternalId and where the stack lives. */
export interface RoleTarget {
  accountId: string;
  externalId: string;
  region: string;
  roleName: string;
  stackName: string;
}

/** Per-call options of a {@link ConnectionVerifier}. */
export interface VerifierCallOptions extends CallOptions {
  /**
   * Where this check reports what a developer must act on (broken vendor credentials, an
   * unreachable endpoint). The handler passes its own `logger`, so it is configured once; a
   * verifier created with its own `logger` uses that one instead.
   */
  logger?: Logger;
}

/**
 * Decides whether a customer's role can be assumed. `createAwsVerifier` is the real one; tests
 * and the benchmark pass their own. One call is one check: the polling loop lives in the machine.
 * Both methods throw `UpstreamError` when AWS answers something no verdict can be drawn from.
 */
export interface ConnectionVerifier {
  /**
   * The partition whose roles it verifies (its credentials belong to one partition). When set,
   * `createCloudConnectHandler` refuses a `config.region` of another partition at start-up.
   */
  readonly partition?: Partition;
  checkConnection(target: RoleTarget, opts?: VerifierCallOptions): Promise<ConnectionCheck>;
  checkRevocation(target: RoleTarget, opts?: VerifierCallOptions): Promise<RevocationCheck>;
}
