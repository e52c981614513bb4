import { describe, expect, it } from 'vitest';
import { parseAccountId } from '../src/account-id';
import { CloudConnectError, errorInfo } from '../src/errors';
import { defaultMessages, messageFor } from '../src/messages';
import { accountIdMessages } from '../src/messages/account-id';
import { errorMessages } from '../src/messages/errors';
import { linkMessages } from '../src/messages/links';
import { permissionMessages } from '../src/messages/permissions';
import { serverMessages } from '../src/messages/server';
import { statusMessages } from '../src/messages/status';
import { partitionOfRegion } from '../src/partitions';
import { permissionList } from '../src/permission-catalog';
import { quickCreateUrl } from '../src/quick-create-url';

const AREAS = [
  accountIdMessages,
  errorMessages,
  linkMessages,
  permissionMessages,
  serverMessages,
  statusMessages,
];

describe('the message catalog, split by area', () => {
  it('defaultMessages is every area together, and no id lives in two areas', () => {
    const ids = AREAS.flatMap((area) => Object.keys(area));
    expect(new Set(ids).size).toBe(ids.length);
    expect(defaultMessages).toEqual(Object.assign({}, ...AREAS));
  });

  it('messageFor reads any area, with placeholders filled', () => {
    expect(messageFor('accountId.wrongLength', { count: 3 })).toContain('this one has 3');
    expect(
      messageFor('server.templateOutdated', { stackName: 'S', found: '1', current: '2' }),
    ).toBe('The S stack uses template 1; the latest is 2. Update the stack.');
  });

  it('an override replaces one message by id, in every area', () => {
    expect(parseAccountId('', { 'accountId.empty': 'Saisissez votre ID.' })).toMatchObject({
      message: 'Saisissez votre ID.',
    });
    expect(partitionOfRegion('nowhere', { 'region.invalid': '«{region}» ?' })).toMatchObject({
      message: '«nowhere» ?',
    });
    const link = quickCreateUrl({
      region: 'us-east-1',
      templateUrl: 'http://example.com/t.json',
      stackName: 'PorterRole',
      parameters: {},
      messages: { 'link.templateUrl': 'Modèle refusé ({region})' },
    });
    expect(link).toMatchObject({ ok: false, message: 'Modèle refusé (us-east-1)' });
    const eks = permissionList({ 'permission.eks.title': 'Grappes EKS' }).find(
      (p) => p.id === 'eks',
    );
    expect(eks?.title).toBe('Grappes EKS');
    expect(errorInfo('NETWORK', undefined, { 'error.NETWORK': 'Hors ligne' }).message).toBe(
      'Hors ligne',
    );
    // Only the overridden id changes.
    expect(parseAccountId('12').ok === false && parseAccountId('12')).toMatchObject({
      message: accountIdMessages['accountId.wrongLength'].replace('{count}', '2'),
    });
  });

  it('errors thrown without a message carry their code message from the catalog', () => {
    expect(new CloudConnectError('TIMED_OUT').message).toBe(errorMessages['error.TIMED_OUT']);
  });
});
