import type { CheckStatus, SessionRecord, SessionStatus } from './connection-store';

/** A sessions table row, as the SQLite and PostgreSQL stores read it (every value as text). */
export interface SessionRow {
  tenant_id: string;
  session_id: string;
  account_id: string;
  external_id: string;
  region: string;
  stack_name: string;
  role_name: string;
  created_at: string;
  status: SessionStatus;
  role_arn: string | null;
  verified_at: string | null;
  template_version: string | null;
  last_checked_at: string | null;
  last_check_status: CheckStatus | null;
  updated_at: string;
}

/** The record a sessions row holds; absent optional columns are left out, not undefined. */
export function fromRow(row: SessionRow): SessionRecord {
  return {
    tenantId: row.tenant_id,
    sessionId: row.session_id,
    accountId: row.account_id,
    externalId: row.external_id,
    region: row.region,
    stackName: row.stack_name,
    roleName: row.role_name,
    createdAt: row.created_at,
    status: row.status,
    ...(row.role_arn === null ? {} : { roleArn: row.role_arn }),
    ...(row.verified_at === null ? {} : { verifiedAt: row.verified_at }),
    ...(row.template_version === null ? {} : { templateVersion: row.template_version }),
    ...(row.last_checked_at === null ? {} : { lastCheckedAt: row.last_checked_at }),
    ...(row.last_check_status === null ? {} : { lastCheckStatus: row.last_check_status }),
    updatedAt: row.updated_at,
  };
}
