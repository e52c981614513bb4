/** Link, region and role ARN messages: why a link or ARN could not be built. */
export const linkMessages = {
  'region.invalid': '"{region}" is not an AWS region such as us-east-1.',
  'region.isolated': '{region} is in an isolated partition, which is not supported.',
  'partition.unknown': 'Use the partition aws, aws-us-gov or aws-cn.',
  'link.templateUrl':
    'Use an https: template URL on Amazon S3 in the partition of {region}, or an allowed origin.',
  'link.consoleBaseUrl': 'consoleBaseUrl must be an origin such as http://127.0.0.1:4566.',
  'link.stackName': 'A stack name is a letter, then up to 127 letters, digits or hyphens.',
  'link.parameter': 'Parameter "{name}" is missing or not valid.',
  'roleArn.roleName': 'A role name is 1-64 letters, digits or _+=,.@- characters.',
} as const;
