/** The permission list's titles and descriptions. */
export const permissionMessages = {
  'permission.eks.title': 'EKS clusters',
  'permission.eks.description': 'Create, upgrade and delete the Kubernetes clusters Porter runs.',
  'permission.network.title': 'VPCs, subnets and security groups',
  'permission.network.description': 'Build and remove the network each cluster lives in.',
  'permission.ecr.title': 'ECR repositories',
  'permission.ecr.description': 'Store the container images Porter builds and deploys.',
  'permission.iam.title': 'IAM roles for cluster operations',
  'permission.iam.description': 'Create the roles EKS and its nodes need, and hand them to EKS.',
  'permission.quotas.title': 'Service quota increases',
  'permission.quotas.description': 'Ask AWS for higher limits when a cluster needs them.',
  'permission.stack.title': 'This stack',
  'permission.stack.description': 'Read the PorterRole stack, to confirm its template version.',
} as const;
