import type { CloudFormationTemplate } from './template-evaluator';

/**
 * The role template the sandbox serves at `templateUrl` when none is given: the shape
 * DESIGN.md gives core's `buildRoleTemplate` (ExternalId + TrustedPrincipalArn parameters, the
 * named `porter-manager` role trusting only that principal with that ExternalId, RoleArn and
 * TemplateVersion outputs), with a single read-only statement for its permissions.
 */
export const SANDBOX_ROLE_TEMPLATE: CloudFormationTemplate = {
  AWSTemplateFormatVersion: '2010-09-09',
  Description: 'Porter: the porter-manager role that lets Porter manage clusters in this account.',
  Parameters: {
    ExternalId: {
      Type: 'String',
      Description: 'The external ID Porter presents when it assumes the role.',
      MinLength: 2,
      MaxLength: 1224,
      AllowedPattern: '[\\w+=,.@:/-]*',
      NoEcho: false,
    },
    TrustedPrincipalArn: {
      Type: 'String',
      Description: "The ARN of Porter's principal that may assume the role.",
      AllowedPattern: 'arn:aws[a-z-]*:iam::\\d{12}:[\\w+=,.@/-]+',
    },
  },
  Resources: {
    PorterManagerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'porter-manager',
        Description: 'Lets Porter manage clusters in this account.',
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: { Ref: 'TrustedPrincipalArn' } },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'porter-manager',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['cloudformation:DescribeStacks', 'eks:ListClusters'],
                  Resource: '*',
                },
              ],
            },
          },
        ],
      },
    },
  },
  Outputs: {
    RoleArn: { Value: { 'Fn::GetAtt': ['PorterManagerRole', 'Arn'] } },
    TemplateVersion: { Value: 'sandbox-1' },
  },
};
