import type { PermissionGroupId, RolePreset } from './permission-catalog';

/**
 * The permission catalog, IAM half: for each group of `PERMISSION_GROUP_IDS`, the policy
 * statements the role template grants. The template is generated from this and nothing else.
 */

/** An IAM condition block: operator -> key -> value(s). */
export type IamCondition = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[]>>>
>;

/**
 * One statement of the role's policy. Resource ARNs are CloudFormation `Fn::Sub` strings
 * (`${AWS::Partition}`, `${AWS::AccountId}`); `*` only where IAM offers no resource-level
 * permission for the actions (`RESOURCE_STAR_REASONS` says why, per `sid`).
 */
export interface PermissionGrant {
  /** The statement id (alphanumeric), unique in the catalog. */
  sid: string;
  /** The preset this grant belongs to; both presets when absent. */
  preset?: RolePreset;
  actions: readonly string[];
  resources: readonly string[];
  condition?: IamCondition;
}

/** The name prefix the `restricted` preset scopes EKS clusters, repositories and roles to. */
export const RESTRICTED_NAME_PREFIX = 'porter-';
/** The tag the `restricted` preset requires on EC2 network resources and new clusters. */
export const RESTRICTED_TAG = { key: 'porter-managed', value: 'true' } as const;

const ANY = ['*'];
const arn = (service: string, resource: string, region = '*') =>
  `arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`;
const iamArn = (resource: string) => arn('iam', resource, '');
const requestTag = {
  StringEquals: { [`aws:RequestTag/${RESTRICTED_TAG.key}`]: RESTRICTED_TAG.value },
};
const resourceTag = {
  StringEquals: { [`aws:ResourceTag/${RESTRICTED_TAG.key}`]: RESTRICTED_TAG.value },
};
// A standard grant on every name, and its restricted twin on names with the prefix only.
const named = (
  sid: string,
  grant: Omit<PermissionGrant, 'sid' | 'resources'>,
  resources: (prefix: string) => string[],
): PermissionGrant[] => [
  { sid, preset: 'standard', ...grant, resources: resources('') },
  {
    sid: `${sid}Prefixed`,
    preset: 'restricted',
    ...grant,
    resources: resources(RESTRICTED_NAME_PREFIX),
  },
];
const roles = (prefix: string) => [iamArn(`role/${prefix}*`)];
const eks = (prefix: string) =>
  ['cluster', 'nodegroup', 'addon', 'access-entry'].map((type) => arn('eks', `${type}/${prefix}*`));

const EKS_CLUSTER_ACTIONS = [
  'eks:DescribeCluster',
  'eks:UpdateClusterConfig',
  'eks:UpdateClusterVersion',
  'eks:DeleteCluster',
  'eks:DescribeUpdate',
  'eks:ListUpdates',
  'eks:CreateNodegroup',
  'eks:DescribeNodegroup',
  'eks:ListNodegroups',
  'eks:UpdateNodegroupConfig',
  'eks:UpdateNodegroupVersion',
  'eks:DeleteNodegroup',
  'eks:CreateAddon',
  'eks:DescribeAddon',
  'eks:ListAddons',
  'eks:UpdateAddon',
  'eks:DeleteAddon',
  'eks:CreateAccessEntry',
  'eks:DescribeAccessEntry',
  'eks:ListAccessEntries',
  'eks:AssociateAccessPolicy',
  'eks:DeleteAccessEntry',
  'eks:TagResource',
  'eks:UntagResource',
];

// Creating these is where the restricted preset demands the tag; the rest act on tagged resources.
const EC2_CREATE_ACTIONS = [
  'ec2:CreateVpc',
  'ec2:CreateSubnet',
  'ec2:CreateSecurityGroup',
  'ec2:CreateInternetGateway',
  'ec2:CreateRouteTable',
  'ec2:CreateNatGateway',
  'ec2:AllocateAddress',
];
const EC2_CHANGE_ACTIONS = [
  'ec2:DeleteVpc',
  'ec2:ModifyVpcAttribute',
  'ec2:DeleteSubnet',
  'ec2:ModifySubnetAttribute',
  'ec2:DeleteSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
  'ec2:AttachInternetGateway',
  'ec2:DetachInternetGateway',
  'ec2:DeleteInternetGateway',
  'ec2:DeleteRouteTable',
  'ec2:CreateRoute',
  'ec2:DeleteRoute',
  'ec2:AssociateRouteTable',
  'ec2:DisassociateRouteTable',
  'ec2:DeleteNatGateway',
  'ec2:ReleaseAddress',
];
const EC2_NETWORK = [
  'vpc',
  'subnet',
  'security-group',
  'security-group-rule',
  'internet-gateway',
  'route-table',
  'natgateway',
  'elastic-ip',
].map((type) => arn('ec2', `${type}/*`));

const ECR_REPOSITORY_ACTIONS = [
  'ecr:CreateRepository',
  'ecr:DescribeRepositories',
  'ecr:DeleteRepository',
  'ecr:PutLifecyclePolicy',
  'ecr:TagResource',
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:ListImages',
  'ecr:DescribeImages',
  'ecr:BatchDeleteImage',
];

const IAM_ROLE_ACTIONS = [
  'iam:CreateRole',
  'iam:GetRole',
  'iam:DeleteRole',
  'iam:TagRole',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:ListInstanceProfilesForRole',
];
// Only the AWS managed policies an EKS cluster and its nodes need: attaching any other would let
// a role Porter creates grow past this catalog.
const EKS_POLICY_ARNS = [
  'AmazonEKSClusterPolicy',
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKS_CNI_Policy',
  'AmazonEC2ContainerRegistryReadOnly',
].map((name) => `arn:\${AWS::Partition}:iam::aws:policy/${name}`);

/** Every permission the role template grants, by group. */
export const PERMISSION_GRANTS: Readonly<Record<PermissionGroupId, readonly PermissionGrant[]>> = {
  eks: [
    {
      sid: 'EksList',
      actions: ['eks:ListClusters', 'eks:DescribeAddonVersions', 'eks:DescribeClusterVersions'],
      resources: ANY,
    },
    { sid: 'EksCreateCluster', preset: 'standard', actions: ['eks:CreateCluster'], resources: ANY },
    {
      sid: 'EksCreateTaggedCluster',
      preset: 'restricted',
      actions: ['eks:CreateCluster'],
      resources: ANY,
      condition: requestTag,
    },
    ...named('EksClusters', { actions: EKS_CLUSTER_ACTIONS }, eks),
  ],
  network: [
    {
      sid: 'Ec2Describe',
      actions: [
        'ec2:DescribeVpcs',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSecurityGroupRules',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeRouteTables',
        'ec2:DescribeNatGateways',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
      ],
      resources: ANY,
    },
    {
      sid: 'Ec2Network',
      preset: 'standard',
      actions: [...EC2_CREATE_ACTIONS, ...EC2_CHANGE_ACTIONS, 'ec2:CreateTags'],
      resources: EC2_NETWORK,
    },
    {
      sid: 'Ec2CreateTagged',
      preset: 'restricted',
      actions: EC2_CREATE_ACTIONS,
      resources: EC2_NETWORK,
      condition: requestTag,
    },
    {
      sid: 'Ec2TagOnCreate',
      preset: 'restricted',
      actions: ['ec2:CreateTags'],
      resources: EC2_NETWORK,
      condition: {
        StringEquals: { 'ec2:CreateAction': EC2_CREATE_ACTIONS.map((a) => a.slice(4)) },
      },
    },
    {
      sid: 'Ec2ChangeTagged',
      preset: 'restricted',
      // Creating a subnet, group or route table also acts on its (tagged) VPC.
      actions: [...EC2_CREATE_ACTIONS, ...EC2_CHANGE_ACTIONS],
      resources: EC2_NETWORK,
      condition: resourceTag,
    },
  ],
  ecr: [
    { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ANY },
    ...named('EcrRepositories', { actions: ECR_REPOSITORY_ACTIONS }, (prefix) => [
      arn('ecr', `repository/${prefix}*`),
    ]),
  ],
  iam: [
    ...named('IamRoles', { actions: IAM_ROLE_ACTIONS }, roles),
    ...named(
      'IamEksPolicies',
      {
        actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
        condition: { ArnEquals: { 'iam:PolicyARN': EKS_POLICY_ARNS } },
      },
      roles,
    ),
    ...named(
      'IamPassRoleToEks',
      {
        actions: ['iam:PassRole'],
        condition: { StringEquals: { 'iam:PassedToService': 'eks.amazonaws.com' } },
      },
      roles,
    ),
    {
      sid: 'IamServiceLinkedRoles',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [iamArn('role/aws-service-role/*')],
      condition: {
        StringEquals: {
          'iam:AWSServiceName': [
            'eks.amazonaws.com',
            'eks-nodegroup.amazonaws.com',
            'autoscaling.amazonaws.com',
            'elasticloadbalancing.amazonaws.com',
          ],
        },
      },
    },
    {
      sid: 'IamEksOidcProviders',
      actions: [
        'iam:CreateOpenIDConnectProvider',
        'iam:GetOpenIDConnectProvider',
        'iam:TagOpenIDConnectProvider',
        'iam:DeleteOpenIDConnectProvider',
      ],
      resources: [iamArn('oidc-provider/oidc.eks.*')],
    },
  ],
  quotas: [
    {
      sid: 'QuotasRead',
      actions: [
        'servicequotas:ListServiceQuotas',
        'servicequotas:ListAWSDefaultServiceQuotas',
        'servicequotas:GetAWSDefaultServiceQuota',
        'servicequotas:GetRequestedServiceQuotaChange',
        'servicequotas:ListRequestedServiceQuotaChangeHistory',
      ],
      resources: ANY,
    },
    {
      sid: 'QuotasForClusters',
      actions: [
        'servicequotas:GetServiceQuota',
        'servicequotas:RequestServiceQuotaIncrease',
        'servicequotas:ListRequestedServiceQuotaChangeHistoryByQuota',
      ],
      resources: ['ec2', 'eks', 'vpc', 'elasticloadbalancing'].map((code) =>
        arn('servicequotas', `${code}/*`),
      ),
    },
  ],
  stack: [
    {
      // Lets the vendor confirm which template version the role came from; this stack only.
      sid: 'ReadOwnStack',
      actions: ['cloudformation:DescribeStacks'],
      resources: [arn('cloudformation', 'stack/${AWS::StackName}/*', '${AWS::Region}')],
    },
  ],
};

/**
 * Why a grant's resource is `*`: IAM has no resource-level permission for its actions. The
 * template carries these in its Metadata; a test fails when a `*` grant has no reason.
 */
export const RESOURCE_STAR_REASONS: Readonly<Record<string, string>> = {
  EksList: 'Listing clusters and versions has no resource-level permissions in IAM.',
  EksCreateCluster: 'CreateCluster has no resource-level permissions in IAM (the cluster is new).',
  EksCreateTaggedCluster:
    'CreateCluster has no resource-level permissions in IAM; the tag condition scopes it instead.',
  Ec2Describe: 'EC2 Describe actions have no resource-level permissions in IAM.',
  EcrLogin: 'GetAuthorizationToken is account-wide; IAM accepts only Resource "*" for it.',
  QuotasRead: 'These Service Quotas reads have no resource-level permissions in IAM.',
};

/** The grants of a group that a preset includes. */
export function grantsFor(id: PermissionGroupId, preset: RolePreset): PermissionGrant[] {
  return PERMISSION_GRANTS[id].filter((grant) => (grant.preset ?? preset) === preset);
}

/** Every IAM action a group allows in a preset, each once, in catalog order (for the UI). */
export function permissionActions(
  id: PermissionGroupId,
  preset: RolePreset = 'standard',
): string[] {
  return [...new Set(grantsFor(id, preset).flatMap((grant) => grant.actions))];
}
