import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consoleHost,
  DEFAULT_REGION,
  DEFAULT_ROLE_NAME,
  DEFAULT_STACK_NAME,
  isS3Host,
  partitionOfRegion,
} from '../src/partitions';

const word = fc.stringMatching(/^[a-z]{3,9}$/);
const regionOf = (prefix: fc.Arbitrary<string>) =>
  fc
    .tuple(prefix, word, fc.integer({ min: 1, max: 99 }))
    .map(([p, w, n]) => `${p}-${w}-${n}`)
    .filter((r) => !/-iso[a-z]?-/.test(r));

describe('partitionOfRegion', () => {
  it('knows the regions of each partition', () => {
    expect(partitionOfRegion('us-east-1')).toEqual({ ok: true, partition: 'aws' });
    expect(partitionOfRegion('ap-southeast-7')).toEqual({ ok: true, partition: 'aws' });
    expect(partitionOfRegion('us-gov-west-1')).toEqual({ ok: true, partition: 'aws-us-gov' });
    expect(partitionOfRegion('cn-northwest-1')).toEqual({ ok: true, partition: 'aws-cn' });
  });

  it('decides by shape, so regions that do not exist yet work without a code change', () => {
    fc.assert(
      fc.property(regionOf(fc.constantFrom('eu', 'ap', 'sa', 'me', 'mx', 'il')), (region) => {
        expect(partitionOfRegion(region)).toEqual({ ok: true, partition: 'aws' });
      }),
    );
    fc.assert(
      fc.property(regionOf(fc.constant('cn')), (region) => {
        expect(partitionOfRegion(region)).toEqual({ ok: true, partition: 'aws-cn' });
      }),
    );
    fc.assert(
      fc.property(regionOf(fc.constant('us-gov')), (region) => {
        expect(partitionOfRegion(region)).toEqual({ ok: true, partition: 'aws-us-gov' });
      }),
    );
  });

  it('refuses the isolated partitions with a message naming the region', () => {
    for (const region of ['us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1', 'eu-isoe-west-1']) {
      const result = partitionOfRegion(region);
      expect(result).toMatchObject({ ok: false, code: 'unsupported-partition' });
      expect(!result.ok && result.message).toContain(region);
    }
  });

  it('refuses strings that are not region-shaped', () => {
    for (const region of [
      '',
      'US-EAST-1',
      'us-east',
      'useast1',
      'us-east-1a',
      ' us-east-1',
      'us-east-1/x',
      'aws',
    ]) {
      expect(partitionOfRegion(region)).toMatchObject({ ok: false, code: 'invalid-region' });
    }
  });

  it('never throws, for any input, and answers a partition or a refusal with a message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (input) => {
        const result = partitionOfRegion(input);
        if (result.ok) expect(['aws', 'aws-us-gov', 'aws-cn']).toContain(result.partition);
        else expect(result.message.length).toBeGreaterThan(10);
      }),
    );
  });
});

describe('console and S3 hosts', () => {
  it('puts the region in front of each partition console domain', () => {
    expect(consoleHost('aws', 'eu-west-1')).toBe('eu-west-1.console.aws.amazon.com');
    expect(consoleHost('aws-us-gov', 'us-gov-east-1')).toBe(
      'us-gov-east-1.console.amazonaws-us-gov.com',
    );
    expect(consoleHost('aws-cn', 'cn-north-1')).toBe('cn-north-1.console.amazonaws.cn');
  });

  it('accepts the S3 endpoints of a partition, path style and virtual-hosted', () => {
    expect(isS3Host('s3.amazonaws.com', 'aws')).toBe(true);
    expect(isS3Host('porter.s3.amazonaws.com', 'aws')).toBe(true);
    expect(isS3Host('my.bucket.s3.eu-west-1.amazonaws.com', 'aws')).toBe(true);
    expect(isS3Host('s3-eu-west-1.amazonaws.com', 'aws')).toBe(true);
    expect(isS3Host('bucket.s3.dualstack.us-east-1.amazonaws.com', 'aws')).toBe(true);
    expect(isS3Host('bucket.s3.us-gov-west-1.amazonaws.com', 'aws-us-gov')).toBe(true);
    expect(isS3Host('bucket.s3.cn-north-1.amazonaws.com.cn', 'aws-cn')).toBe(true);
  });

  it('refuses hosts of another partition, other services and look-alikes', () => {
    expect(isS3Host('bucket.s3.us-gov-west-1.amazonaws.com', 'aws')).toBe(false);
    expect(isS3Host('bucket.s3.eu-west-1.amazonaws.com', 'aws-us-gov')).toBe(false);
    expect(isS3Host('s3.amazonaws.com', 'aws-us-gov')).toBe(false);
    expect(isS3Host('bucket.s3.us-east-1.amazonaws.com', 'aws-cn')).toBe(false);
    expect(isS3Host('ec2.us-east-1.amazonaws.com', 'aws')).toBe(false);
    expect(isS3Host('s3.amazonaws.com.evil.example', 'aws')).toBe(false);
    expect(isS3Host('evil-s3.amazonaws.com', 'aws')).toBe(false);
    expect(isS3Host('s3.us-iso-east-1.amazonaws.com', 'aws')).toBe(false);
    expect(isS3Host('amazonaws.com', 'aws')).toBe(false);
  });
});

describe('defaults', () => {
  it('are the names the product documents', () => {
    expect([DEFAULT_STACK_NAME, DEFAULT_ROLE_NAME, DEFAULT_REGION]).toEqual([
      'PorterRole',
      'porter-manager',
      'us-east-1',
    ]);
  });
});
