import type { MessageOverrides } from './messages';
import { formatMessage } from './messages/format';
import { permissionMessages } from './messages/permissions';

/**
 * The permission catalog, UI half: the groups of what the `porter-manager` role may do, in
 * words a person reads. Each group's IAM grants live beside the template builder
 * (`@porter/cloud-connect/template`, keyed by these ids) so that pages do not download them.
 */

/** The template presets: `restricted` narrows `standard` by name prefix or tag where IAM allows. */
export type RolePreset = 'standard' | 'restricted';

/** The groups of the catalog. Stable: ids key the messages `permission.<id>.title`/`.description`. */
export type PermissionGroupId = 'eks' | 'network' | 'ecr' | 'iam' | 'quotas' | 'stack';

/** Every group, in the order a UI lists them. */
export const PERMISSION_GROUP_IDS: readonly PermissionGroupId[] = [
  'eks',
  'network',
  'ecr',
  'iam',
  'quotas',
  'stack',
];

/** A group as the UI shows it. */
export interface PermissionListItem {
  id: PermissionGroupId;
  title: string;
  description: string;
}

/**
 * The permission list a UI shows before the user creates the stack, with the catalog's (or the
 * overridden) title and one-line description of each group.
 *
 * @example
 * permissionList().map((g) => g.title) // ['EKS clusters', 'VPCs, subnets and security groups', ...]
 */
export function permissionList(messages?: MessageOverrides): PermissionListItem[] {
  return PERMISSION_GROUP_IDS.map((id) => ({
    id,
    title: formatMessage(permissionMessages, `permission.${id}.title`, undefined, messages),
    description: formatMessage(
      permissionMessages,
      `permission.${id}.description`,
      undefined,
      messages,
    ),
  }));
}
