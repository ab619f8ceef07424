import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseTimestamp } from '../src/dataflow/arrow/index.js';

// A fixed pseudo-random sequence, so failures reproduce.
function* values(n: number): Generator<number> {
  let x = 123456789;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const y = (Math.imul(x, 69069) + 1) >>> 0;
    // roughly -3000..+9000 years around the epoch, ms precision
    yield Math.floor((x * 4294967296 + y) / 2 ** 64 * 3.8e14) - 9.5e13;
  }
}

describe('formatTimestamp', () => {
  it('matches Date#toISOString', () => {
    const special = [0, -1, 1, 86399999, 86400000, -86400000, 951782400000, 253402300799999, 253402300800000, -62167219200000, -62167219200001, 8.64e15, -8.64e15];
    for (const ms of [...special, ...values(20000)]) expect(formatTimestamp(ms), String(ms)).toBe(new Date(ms).toISOString());
    expect(formatTimestamp(8.64e15 + 1)).toBe('8640000000000001');
  });
});

describe('parseTimestamp', () => {
  it('reads back what formatTimestamp writes', () => {
    for (const ms of values(20000)) {
      if (ms >= -62167219200000 && ms < 253402300800000) expect(parseTimestamp(formatTimestamp(ms)), String(ms)).toBe(ms);
    }
  });

  it('agrees with Date.parse on offset forms and treats offset-less times as UTC', () => {
    for (const s of ['2024-06-30T23:59:59.999+14:00', '1999-12-31T00:00:00-09:30', '2000-02-29T12:00:00.1Z', '1970-01-01T00:00:00+00:00']) {
      expect(parseTimestamp(s), s).toBe(Date.parse(s));
    }
    expect(parseTimestamp('2024-06-30T12:00:00')).toBe(Date.UTC(2024, 5, 30, 12));
    expect(parseTimestamp('2024-06-30T12:00:00.123456789+0100')).toBe(Date.UTC(2024, 5, 30, 11, 0, 0, 123));
    expect(parseTimestamp('2024-06-30t12:00:00,5z')).toBe(Date.UTC(2024, 5, 30, 12, 0, 0, 500));
    expect(parseTimestamp('2024-06-30T12:00+05')).toBe(Date.UTC(2024, 5, 30, 7));
  });

  it('rejects what is not ISO-8601', () => {
    const bad = [
      '', '2024', '2024-1-01', '2024-00-10', '2024-02-30', '2023-02-29', '2024-13-01', 'abcd-01-01', '2024-01-01T', '2024-01-01T24:00',
      '2024-01-01T12:60', '2024-01-01T12:00:60', '2024-01-01T12:00:00.', '2024-01-01T12:00:00Zjunk', '2024-01-01T12:00:00+2',
      '2024-01-01T12:00:00+02:0', '2024-01-01T12:00:00+24:00', '2024-01-01Z', 'March 7, 2024', '2024-01-01T12:00.5', ' 2024-01-01',
    ];
    for (const s of bad) expect(parseTimestamp(s), JSON.stringify(s)).toBeNaN();
  });
});
