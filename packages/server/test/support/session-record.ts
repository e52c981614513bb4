import type { SessionRecord } from '../../src';

/** A pending session record for store tests; `overrides` changes any field. */
export function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    tenantId: 'tenant-a',
    sessionId: '11111111-1111-4111-8111-111111111111',
    accountId: '012345678901',
    externalId: 'cc-first',
    region: 'us-east-1',
    stackName: 'PorterRole',
    roleName: 'porter-manager',
    createdAt: '2026-11-29T08:00:00.000Z',
    status: 'pending',
    updatedAt: '2026-11-29T08:00:00.000Z',
    ...overrides,
  };
}
