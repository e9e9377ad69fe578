/** The CSV that `export` writes, read back by csv-parse as `import` reads it. */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvRecord } from '../../scripts/loyalty/csvWrite';

describe('export CSV quoting (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf\r\n', '"cr\rlf\r\n"'],
    [' padded ', '" padded "'],
    ['josé.müller@bücher.de', 'josé.müller@bücher.de'],
    ['用户@例子.中国', '用户@例子.中国'],
    ['emoji 🎉', 'emoji 🎉'],
    ["o'brien#1/?;=+", "o'brien#1/?;=+"],
  ])('writes %j as %j', (value, written) => {
    expect(csvField(value)).toBe(written);
  });

  it('ends each record with CRLF', () => {
    expect(csvRecord(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('reads back exactly what it wrote, whatever the text', () => {
    const field = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom('"', ',', '\r', '\n', ' ', 'a', 'é', '😀') }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1 }),
        (records) => {
          const width = records[0]?.length ?? 0;
          const rows = records.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
          const text = rows.map(csvRecord).join('');
          expect(parse(text)).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});
