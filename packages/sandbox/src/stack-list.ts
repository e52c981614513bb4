/** ListStacks: every stack of the account and region (deleted ones too), filtered and paged. */

import { STACK_STATUSES } from './cloud-state';
import type { CloudFormationContext } from './cloudformation';
import { pageOf } from './paging';
import { AwsError, type QueryParams, readList, type XmlValue } from './query-protocol';

/** CloudFormation's page size for ListStacks. */
export const LIST_STACKS_PAGE_SIZE = 100;

// Statuses AWS knows that the sandbox never reaches: a valid filter that matches nothing.
const OTHER_AWS_STATUSES = [
  'DELETE_FAILED',
  'ROLLBACK_FAILED',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_IN_PROGRESS',
  'IMPORT_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_COMPLETE',
];

/** Runs ListStacks. */
export function listStacks(params: QueryParams, context: CloudFormationContext): XmlValue {
  const filter = readList(params, 'StackStatusFilter');
  const known = new Set<string>([...STACK_STATUSES, ...OTHER_AWS_STATUSES]);
  for (const status of filter) {
    if (!known.has(status)) {
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '[${filter.join(', ')}]' at 'stackStatusFilter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${[...known].join(', ')}]]`,
      );
    }
  }
  context.state.settle(context.now);
  const stacks = context.state
    .stacks(context.caller.accountId, context.region)
    .filter((stack) => filter.length === 0 || filter.includes(stack.status));
  const { page, nextToken } = pageOf(
    stacks,
    params.get('NextToken'),
    LIST_STACKS_PAGE_SIZE,
    (stack) => stack.stackId,
  );
  return {
    StackSummaries: page.map((stack) => ({
      StackId: stack.stackId,
      StackName: stack.name,
      TemplateDescription: stack.description,
      CreationTime: new Date(stack.createdAt),
      LastUpdatedTime:
        stack.lastUpdatedAt === undefined ? undefined : new Date(stack.lastUpdatedAt),
      DeletionTime: stack.deletedAt === undefined ? undefined : new Date(stack.deletedAt),
      StackStatus: stack.status,
      StackStatusReason: stack.statusReason,
      DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    })),
    NextToken: nextToken,
  };
}
