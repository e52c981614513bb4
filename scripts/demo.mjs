// Main job until the demo app lands: builds the quick-create link for an account and shows the
// role template it creates. Run: pnpm run demo [account-id] [region]
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  DEFAULT_REGION,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  formatAccountId,
  parseAccountId,
  partitionOfRegion,
  permissionList,
  quickCreateUrl,
  roleArn,
} from '@porter/cloud-connect';
import {
  buildRoleTemplate,
  stringifyRoleTemplate,
  TEMPLATE_VERSION,
} from '@porter/cloud-connect/template';

// pnpm may pass the `--` separator through.
const [input = '1234 5678 9012', region = DEFAULT_REGION] = process.argv
  .slice(2)
  .filter((arg) => arg !== '--');
const account = parseAccountId(input);
const partition = partitionOfRegion(region);
if (!account.ok || !partition.ok) {
  console.error(account.ok ? partition.message : account.message);
  process.exit(1);
}

// Stand-ins for what the server package supplies: the vendor principal and a per-account ExternalId.
const externalId = randomUUID();
const link = quickCreateUrl({
  region,
  templateUrl: `https://porter-cloud-connect.s3.${region}.${partition.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'}/${TEMPLATE_VERSION}/porter-role-standard.json`,
  stackName: DEFAULT_STACK_NAME,
  parameters: {
    ExternalId: externalId,
    TrustedPrincipalArn: `arn:${partition.partition}:iam::999988887777:role/porter-vendor`,
  },
});
const arn = roleArn({
  partition: partition.partition,
  accountId: account.accountId,
  roleName: DEFAULT_ROLE_NAME,
});
if (!link.ok || !arn.ok) {
  console.error(link.ok ? arn.message : link.message);
  process.exit(1);
}

const json = stringifyRoleTemplate(buildRoleTemplate({ preset: 'standard' }));
const yamlPath = 'packages/core/templates/porter-role-standard.yaml';
console.log(
  `Account       ${formatAccountId(account.accountId)} (${partition.partition}, ${region})`,
);
console.log(`External ID   ${externalId}`);
console.log(`Role          ${arn.arn}`);
console.log(`Quick-create  ${link.url}`);
console.log(
  `Template      standard, version ${TEMPLATE_VERSION}, ${Buffer.byteLength(json)} bytes of JSON`,
);
console.log(
  `YAML          ${yamlPath}${existsSync(yamlPath) ? '' : ' (missing: run generate:templates)'}`,
);
console.log('Permissions');
for (const group of permissionList()) console.log(`  - ${group.title}: ${group.description}`);
