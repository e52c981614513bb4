// Placeholder main job until the quick-create link builder lands: checks an account ID.
import { formatAccountId, parseAccountId } from '@porter/cloud-connect';

const input = process.argv[2] ?? '1234 5678 9012';
const parsed = parseAccountId(input);
console.log(parsed.ok ? `Account ${formatAccountId(parsed.accountId)}` : parsed.message);
