import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAccountId, parseAccountId } from '../src/account-id';

const digit = fc.constantFrom(...'0123456789');
const accountId = fc.array(digit, { minLength: 12, maxLength: 12 }).map((d) => d.join(''));

describe('parseAccountId', () => {
  it('never throws and always answers ok or one of the three codes, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (input) => {
        const result = parseAccountId(input);
        if (result.ok) {
          expect(result.accountId).toMatch(/^[0-9]{12}$/);
        } else {
          expect(['empty', 'invalid-characters', 'wrong-length']).toContain(result.code);
          expect(result.message.length).toBeGreaterThan(10);
        }
      }),
    );
  });

  it('accepts every 12-digit ASCII string unchanged, leading zeros kept', () => {
    fc.assert(
      fc.property(accountId, (id) => {
        expect(parseAccountId(id)).toEqual({ ok: true, accountId: id });
      }),
    );
    expect(parseAccountId('000000000001')).toEqual({ ok: true, accountId: '000000000001' });
  });

  it('accepts the forms people paste: hyphens, spaces, surrounding whitespace, a trailing newline', () => {
    const pasted = fc.tuple(
      accountId,
      fc.constantFrom('-', ' ', ''),
      fc.constantFrom('', ' ', '  ', '\t'),
      fc.constantFrom('', ' ', '\n', '\r\n'),
    );
    fc.assert(
      fc.property(pasted, ([id, separator, before, after]) => {
        const text = `${before}${id.slice(0, 4)}${separator}${id.slice(4, 8)}${separator}${id.slice(8)}${after}`;
        expect(parseAccountId(text)).toEqual({ ok: true, accountId: id });
      }),
    );
  });

  it('round-trips through formatAccountId', () => {
    fc.assert(
      fc.property(accountId, (id) => {
        const shown = formatAccountId(id);
        expect(shown).toMatch(/^\d{4}-\d{4}-\d{4}$/);
        expect(parseAccountId(shown)).toEqual({ ok: true, accountId: id });
      }),
    );
  });

  it('refuses nothing but separators as empty', () => {
    for (const input of ['', '   ', '\n', ' - - ', undefined, null]) {
      expect(parseAccountId(input)).toMatchObject({ ok: false, code: 'empty' });
    }
  });

  it('refuses full-width and Arabic-Indic digits, naming the character', () => {
    const fullWidth = '１２３４５６７８９０１２';
    const arabicIndic = '١٢٣٤٥٦٧٨٩٠١٢';
    const result = parseAccountId(fullWidth);
    expect(result).toMatchObject({ ok: false, code: 'invalid-characters' });
    expect(!result.ok && result.message).toContain('U+FF11');
    expect(parseAccountId(arabicIndic)).toMatchObject({ ok: false, code: 'invalid-characters' });
  });

  it('refuses letters and names the first offending one', () => {
    const result = parseAccountId('1234-5678-901O');
    expect(result).toMatchObject({ ok: false, code: 'invalid-characters' });
    expect(!result.ok && result.message).toContain('"O"');
  });

  it('refuses 11 or 13 digits, saying how many there are', () => {
    fc.assert(
      fc.property(
        fc.array(digit, { minLength: 1, maxLength: 30 }).filter((d) => d.length !== 12),
        (digits) => {
          const result = parseAccountId(digits.join(''));
          expect(result).toMatchObject({ ok: false, code: 'wrong-length' });
          expect(!result.ok && result.message).toContain(`has ${digits.length}`);
        },
      ),
    );
  });

  it('refuses a number, which would have lost its leading zeros', () => {
    expect(parseAccountId(123456789012)).toMatchObject({ ok: false, code: 'invalid-characters' });
  });

  it('uses the host-supplied message when one is given', () => {
    const result = parseAccountId('12', { 'accountId.wrongLength': 'Falsche Länge: {count}' });
    expect(result).toEqual({ ok: false, code: 'wrong-length', message: 'Falsche Länge: 2' });
  });
});

describe('formatAccountId', () => {
  it('returns anything that is not an account ID as given', () => {
    expect(formatAccountId('hello')).toBe('hello');
  });
});
