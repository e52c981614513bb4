/** NextToken paging as CloudFormation's list operations do it, with opaque tokens. */
import { AwsError } from './query-protocol';

/**
 * One page of `items` after the token's item. The token names the last item returned (by
 * `keyOf`), so items added meanwhile neither repeat nor shift the next page.
 */
export function pageOf<T>(
  items: readonly T[],
  token: string | undefined,
  pageSize: number,
  keyOf: (item: T) => string,
): { page: T[]; nextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    const key = Buffer.from(token, 'base64url').toString('utf8');
    const at = items.findIndex((item) => keyOf(item) === key);
    if (at === -1) throw new AwsError('ValidationError', 'Invalid NextToken');
    start = at + 1;
  }
  const page = items.slice(start, start + pageSize);
  const last = page.at(-1);
  return start + pageSize < items.length && last !== undefined
    ? { page, nextToken: Buffer.from(keyOf(last), 'utf8').toString('base64url') }
    : { page };
}
