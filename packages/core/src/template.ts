// The `@porter/cloud-connect/template` entry: the role template and the catalog's IAM grants,
// kept out of the main entry so that pages do not download them.
export {
  grantsFor,
  type IamCondition,
  PERMISSION_GRANTS,
  type PermissionGrant,
  permissionActions,
  RESOURCE_STAR_REASONS,
  RESTRICTED_NAME_PREFIX,
  RESTRICTED_TAG,
} from './permission-grants';
export {
  type IamPolicyDocument,
  type ResolvedRole,
  type ResolveRoleTemplateOptions,
  resolveRoleTemplate,
} from './resolve-role-template';
export {
  buildRoleTemplate,
  EXTERNAL_ID_CONSTRAINTS,
  ROLE_CREATED_LOGICAL_ID,
  ROLE_LOGICAL_ID,
  type RoleTemplate,
  type RoleTemplateOptions,
  STACK_EVENT_RESOURCE_TYPE,
  STACK_EVENT_SERVICE_TIMEOUT_SECONDS,
  STACK_STARTED_LOGICAL_ID,
  type StackEventProperties,
  type StackEventResource,
  stringifyRoleTemplate,
  TEMPLATE_VERSION,
  type TemplateParameter,
  type TemplatePolicyDocument,
  type TemplateStatement,
  type TemplateValue,
} from './role-template';
