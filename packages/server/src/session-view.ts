import {
  type ConnectedAccount,
  type Connection,
  type ConnectSession,
  type LinkResult,
  quickCreateUrl,
  stacksConsoleUrl,
} from '@porter/cloud-connect';
import type { SessionRecord } from './stores/connection-store';
import { isOlderTemplateVersion } from './template-version';

/** What the links of a session are built from: the handler's configuration. */
export interface SessionLinkConfig {
  templateUrl: string;
  trustedPrincipalArn: string;
  consoleBaseUrl?: string;
  allowedTemplateOrigins?: readonly string[];
}

/**
 * The session as the browser sees it. Links are built from the current configuration on every
 * answer (so a new template URL reaches old sessions); the ExternalId is the stored one.
 */
export function toConnectSession(
  record: SessionRecord,
  config: SessionLinkConfig,
  /** More template parameters (the stack event parameters, when events are on). */
  extraParameters?: Readonly<Record<string, string>>,
): ConnectSession {
  // An empty consoleBaseUrl means none (core would refuse it as not an origin).
  const consoleBaseUrl = config.consoleBaseUrl || undefined;
  const quickCreate = quickCreateUrl({
    region: record.region,
    templateUrl: config.templateUrl,
    stackName: record.stackName,
    parameters: {
      ExternalId: record.externalId,
      TrustedPrincipalArn: config.trustedPrincipalArn,
      ...extraParameters,
    },
    consoleBaseUrl,
    allowedTemplateOrigins: config.allowedTemplateOrigins,
  });
  const stacksConsole = stacksConsoleUrl({
    region: record.region,
    stackName: record.stackName,
    consoleBaseUrl,
  });
  return {
    sessionId: record.sessionId,
    accountId: record.accountId,
    externalId: record.externalId,
    region: record.region,
    stackName: record.stackName,
    roleName: record.roleName,
    templateUrl: config.templateUrl,
    quickCreateUrl: urlOf(quickCreate),
    stacksConsoleUrl: urlOf(stacksConsole),
    createdAt: record.createdAt,
  };
}

/** The verified connection of a session, or null when it is not (or no longer) connected. */
export function toConnection(record: SessionRecord | null): Connection | null {
  if (record?.status !== 'connected' || !record.roleArn || !record.verifiedAt) {
    return null;
  }
  return {
    accountId: record.accountId,
    roleArn: record.roleArn,
    verifiedAt: record.verifiedAt,
    sessionId: record.sessionId,
  };
}

/**
 * A connection as the connections routes list it, or null when the session is not connected.
 * `currentTemplateVersion` is the version stacks should run: an older one is an update due.
 */
export function toConnectedAccount(
  record: SessionRecord | null,
  currentTemplateVersion: string,
): ConnectedAccount | null {
  const connection = toConnection(record);
  if (!record || !connection) return null;
  const templateVersion = record.templateVersion ?? null;
  return {
    ...connection,
    templateVersion,
    updateDue:
      templateVersion !== null && isOlderTemplateVersion(templateVersion, currentTemplateVersion),
    lastHealthCheck:
      record.lastCheckedAt && record.lastCheckStatus
        ? { checkedAt: record.lastCheckedAt, status: record.lastCheckStatus }
        : null,
  };
}

// The handler validates its configuration at start-up, so a refusal here is a programming error.
function urlOf(result: LinkResult): string {
  if (!result.ok) throw new TypeError(result.message);
  return result.url;
}
