import { describe, expect, it } from 'vitest';
import { defaultMessages } from '../src/messages';
import { PERMISSION_GROUP_IDS, permissionList } from '../src/permission-catalog';
import { permissionActions } from '../src/permission-grants';

describe('permissionList', () => {
  it('lists the five groups the product promises, then reading its own stack, each with a title and a one-line description', () => {
    const list = permissionList();
    expect(list.map((g) => g.title)).toEqual([
      'EKS clusters',
      'VPCs, subnets and security groups',
      'ECR repositories',
      'IAM roles for cluster operations',
      'Service quota increases',
      'This stack',
    ]);
    for (const group of list) {
      expect(group.description).toMatch(/^[A-Z][^\n]{10,80}\.$/);
    }
  });

  it('takes every title and description from the message catalog, so a host can translate them', () => {
    const list = permissionList({ 'permission.ecr.title': 'Dépôts ECR' });
    expect(list.find((g) => g.id === 'ecr')?.title).toBe('Dépôts ECR');
    for (const id of PERMISSION_GROUP_IDS) {
      expect(defaultMessages).toHaveProperty(`permission.${id}.title`);
      expect(defaultMessages).toHaveProperty(`permission.${id}.description`);
    }
  });

  it('has IAM actions behind every group, including the ones the UI names', () => {
    for (const id of PERMISSION_GROUP_IDS) {
      expect(permissionActions(id).length, id).toBeGreaterThan(0);
    }
    expect(permissionActions('eks')).toContain('eks:CreateCluster');
    expect(permissionActions('network')).toContain('ec2:CreateVpc');
    expect(permissionActions('ecr')).toContain('ecr:CreateRepository');
    expect(permissionActions('iam')).toContain('iam:PassRole');
    expect(permissionActions('quotas')).toContain('servicequotas:RequestServiceQuotaIncrease');
    expect(permissionActions('stack')).toEqual(['cloudformation:DescribeStacks']);
  });
});
