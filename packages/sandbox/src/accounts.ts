/**
 * The sandbox's fixed cast: the vendor (Porter) account with the IAM user whose keys the
 * server uses, the customer account with a user for scripted stack creation, and another
 * account to be "signed in to the wrong account". Fixed values, so docs and the bin can
 * print them and a developer can paste them.
 */
import type { SandboxCredentials } from './identities';

/** The vendor's AWS account. */
export const VENDOR_ACCOUNT_ID = '111122223333';
/** The vendor's IAM user: the principal the role template trusts. */
export const VENDOR_PRINCIPAL_ARN = `arn:aws:iam::${VENDOR_ACCOUNT_ID}:user/porter-connect`;
/** The vendor user's access key (sandbox only: these keys work nowhere else). */
export const VENDOR_CREDENTIALS: Readonly<SandboxCredentials> = {
  accessKeyId: 'AKIASANDBOXVENDOR001',
  secretAccessKey: 'sandbox/vendor/secret/key/not/a/real/aws/key',
};

/** The customer's AWS account, the one the user connects. */
export const CUSTOMER_ACCOUNT_ID = '123456789012';
/** The customer's IAM user, for scripts that create the stack without the console. */
export const CUSTOMER_PRINCIPAL_ARN = `arn:aws:iam::${CUSTOMER_ACCOUNT_ID}:user/sandbox-customer`;
/** The customer user's access key (sandbox only). */
export const CUSTOMER_CREDENTIALS: Readonly<SandboxCredentials> = {
  accessKeyId: 'AKIASANDBOXCUSTOMER1',
  secretAccessKey: 'sandbox/customer/secret/key/not/a/real/aws/key',
};

/** An account the console can switch to, to simulate being signed in to the wrong one. */
export const OTHER_ACCOUNT_ID = '210987654321';

/** The accounts the console's switcher offers, with a label for each. */
export const CONSOLE_ACCOUNTS: ReadonlyArray<{ id: string; label: string }> = [
  { id: CUSTOMER_ACCOUNT_ID, label: 'Customer account' },
  { id: OTHER_ACCOUNT_ID, label: 'Another account' },
  { id: VENDOR_ACCOUNT_ID, label: 'Vendor account' },
];

/**
 * The principal a person signed in to the console acts as: the customer's IAM user in the
 * customer account, `console-user` in the others.
 */
export function consolePrincipalArn(accountId: string): string {
  return accountId === CUSTOMER_ACCOUNT_ID
    ? CUSTOMER_PRINCIPAL_ARN
    : `arn:aws:iam::${accountId}:user/console-user`;
}
