// Streaming-SQL time: INTERVAL literals (int64 milliseconds), date_trunc, extract / date_part,
// now() and to_timestamp, against hand-computed UTC values.

import { describe, expect, it } from 'vitest';
import { Float64, Int64, RecordBatch, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { JobRuntimeError, ValidationError } from '../src/errors.js';
import { compileCondition, compileExpression, compileProjection, parseInterval, rewriteSyntax } from '../src/sql/expr/index.js';
import type { Schema } from '../src/types.js';

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad test date ${iso}`);
  return t;
};

// 2024-02-29 (a leap day, a Thursday) 13:45:30.123 UTC = 1709214330123; 1969-12-31 23:59:59.500
// (a Wednesday) = -500; 2000-12-31 (day 366 of a leap year); 1900-03-01 (1900 is no leap year).
const LEAP = 1709214330123;
const schema: Schema = {
  fields: [
    { name: 'ts', type: 'timestamp' },
    { name: 'ts2', type: 'timestamp' },
    { name: 'n', type: 'int64' },
    { name: 'f', type: 'float64' },
    { name: 's', type: 'utf8' },
  ],
};
const tsValues = [LEAP, -500, ms('2000-12-31T00:00:00Z'), ms('1900-03-01T06:07:08.009Z'), null];
const batch = new RecordBatch({
  ts: vectorFromArray(tsValues, new TimestampMillisecond()).data[0]!,
  ts2: vectorFromArray([LEAP + 61_000, 500, ms('2000-12-31T00:00:30Z'), null, 0], new TimestampMillisecond()).data[0]!,
  n: vectorFromArray([1709214330123n, 0n, -1n, null, 5n], new Int64()).data[0]!,
  f: vectorFromArray([1.9, -1.5, 0, null, 2], new Float64()).data[0]!,
  s: vectorFromArray(['2024-01-01T00:00:00Z', null, '1970-01-02', 'x', null], new Utf8()).data[0]!,
});
const ev = (text: string): unknown[] =>
  [...compileProjection(text, schema).evaluate(batch)].map((x) => (typeof x === 'bigint' ? Number(x) : x));
const fails = (text: string): ValidationError => {
  try {
    compileExpression(text, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`expected ${text} to fail`);
};

describe('INTERVAL literals', () => {
  it('are int64 milliseconds, in every unit and both spellings', () => {
    const cases: [string, number][] = [
      ["INTERVAL '5' MILLISECOND", 5], ["INTERVAL '5' MILLISECONDS", 5], ["INTERVAL '5' MS", 5],
      ["INTERVAL '5 ms'", 5], ["interval '7 milliseconds'", 7], ["INTERVAL '1 millisecond'", 1],
      ["INTERVAL '5' SECOND", 5000], ["INTERVAL '5' SECONDS", 5000], ["INTERVAL '10 seconds'", 10_000], ["INTERVAL '1 second'", 1000],
      ["INTERVAL '2' MINUTE", 120_000], ["INTERVAL '2' minutes", 120_000], ["interval '1 minute'", 60_000], ["INTERVAL '3 minutes'", 180_000],
      ["INTERVAL '1' HOUR", 3_600_000], ["INTERVAL '2' HOURS", 7_200_000], ["INTERVAL '1 hour'", 3_600_000], ["INTERVAL '2 hours'", 7_200_000],
      ["INTERVAL '1' DAY", 86_400_000], ["INTERVAL '2' DAYS", 172_800_000], ["INTERVAL '1 day'", 86_400_000], ["INTERVAL '3 days'", 259_200_000],
      ["INTERVAL '1 hour 30 minutes'", 5_400_000], ["INTERVAL '1.5 seconds'", 1500], ["INTERVAL 5 SECOND", 5000], ["INTERVAL '-5 seconds'", -5000],
      // Arithmetic right after a unit-less interval (the grammar would swallow it into the value).
      ["INTERVAL '5 ms' * 2 + 1", 11], ["interval '1 day' / 2", 43_200_000], ["INTERVAL '2' SECOND * 3", 6000],
    ];
    for (const [text, want] of cases) {
      const e = compileExpression(text, schema);
      expect(e.type, text).toBe('int64');
      expect(Number([...e.evaluate(batch)][0]), text).toBe(want);
    }
  });

  it('add to and subtract from timestamps, giving timestamps', () => {
    const e = compileExpression("ts + INTERVAL '5' SECOND", schema);
    expect(e.type).toBe('timestamp');
    expect([...e.evaluate(batch)]).toEqual([LEAP + 5000, 4500, ms('2000-12-31T00:00:05Z'), ms('1900-03-01T06:07:13.009Z'), null]);
    expect(ev("ts - INTERVAL '1 day'")).toEqual([LEAP - 86_400_000, -86_400_500, ms('2000-12-30T00:00:00Z'), ms('1900-02-28T06:07:08.009Z'), null]);
    expect(ev("INTERVAL '1' HOUR + ts")).toEqual([LEAP + 3_600_000, 3_599_500, ms('2000-12-31T01:00:00Z'), ms('1900-03-01T07:07:08.009Z'), null]);
    expect(ev("ts + INTERVAL '250' MILLISECONDS * 2")).toEqual([LEAP + 500, 0, ms('2000-12-31T00:00:00.500Z'), ms('1900-03-01T06:07:08.509Z'), null]);
  });

  it('compare with timestamp differences and timestamps', () => {
    expect(ev("ts2 - ts > INTERVAL '1 minute'")).toEqual([true, false, false, null, null]);
    expect(ev("ts2 - ts <= INTERVAL '30' SECONDS")).toEqual([false, true, true, null, null]);
    expect(ev("ts2 - ts = INTERVAL '1 minute' + INTERVAL '1' SECOND")).toEqual([true, false, false, null, null]);
    expect(compileCondition("ts2 BETWEEN ts AND ts + INTERVAL '1' MINUTE", schema).type).toBe('bool');
    expect(ev("ts + INTERVAL '1' SECOND > '2024-02-29T13:45:31Z'")).toEqual([true, false, false, false, null]);
  });

  it('render as the projection name and never rewrite text inside strings', () => {
    expect(compileProjection("ts + INTERVAL '5' SECOND", schema).outputName).toBe("ts + INTERVAL '5' SECOND");
    expect(compileProjection("ts + interval '5' ms", schema).outputName).toBe("ts + INTERVAL '5 ms'");
    expect(ev("'interval ''5'' ms'")[0]).toBe("interval '5' ms");
    expect(ev("'extract(year from ts)' || ''")[0]).toBe('extract(year from ts)');
  });

  it('reject units without a fixed length, unknown units, a missing unit and fractions of a ms', () => {
    expect(fails("ts + INTERVAL '1' MONTH").message).toMatch(/interval unit month has no fixed length/);
    expect(fails("INTERVAL '2 years'").message).toMatch(/interval unit years has no fixed length/);
    const unknown = fails("ts + INTERVAL '3 fortnights'");
    expect(unknown.message).toMatch(/unknown interval unit "fortnights"/);
    expect(unknown.details![0]!.column).toBe(6);
    expect(fails("INTERVAL '5'").message).toMatch(/invalid interval '5'/);
    expect(fails("INTERVAL 'x' SECOND").message).toMatch(/invalid interval value 'x'/);
    expect(fails("INTERVAL '0.5 ms'").message).toMatch(/not a whole number of milliseconds/);
    expect(fails("INTERVAL '1' DAY TO SECOND").message).toMatch(/unit range/);
  });

  it('parseInterval reads a whole literal or just its text (window sizes)', () => {
    expect(parseInterval("INTERVAL '5' SECOND")).toBe(5000);
    expect(parseInterval("interval '1 minute'")).toBe(60_000);
    expect(parseInterval("'10 seconds'")).toBe(10_000);
    expect(parseInterval('10 seconds')).toBe(10_000);
    expect(parseInterval('1 hour 30 minutes')).toBe(5_400_000);
    expect(parseInterval('250 ms')).toBe(250);
    expect(parseInterval('2 days')).toBe(172_800_000);
    expect(() => parseInterval('1 month')).toThrow(ValidationError);
    expect(() => parseInterval("INTERVAL '5'")).toThrow(/invalid interval/);
    expect(() => parseInterval('soon')).toThrow(/invalid interval 'soon'/);
  });
});

describe('rewriteSyntax (for parsers of whole queries)', () => {
  it('keeps every offset, is idempotent and leaves strings, identifiers and comments alone', () => {
    const q = `SELECT extract(millisecond FROM ts) AS "extract(x from y)", ts + INTERVAL '5' MILLISECONDS
      FROM t -- interval '1' ms
      WHERE s = 'extract(day from ts)' AND ts > now() - INTERVAL '2' HOURS /* interval '3' days */`;
    const once = rewriteSyntax(q);
    expect(once.length).toBe(q.length);
    expect(rewriteSyntax(once)).toBe(once);
    expect(once).toContain("__extract('millisecond', ts) AS");
    expect(once).toContain("INTERVAL '5 MILLISECONDS'");
    expect(once).toContain("INTERVAL '2 HOURS'");
    for (const untouched of ['"extract(x from y)"', "-- interval '1' ms", "'extract(day from ts)'", "/* interval '3' days */"]) {
      expect(once.indexOf(untouched)).toBe(q.indexOf(untouched));
    }
    expect(rewriteSyntax("INTERVAL '5' SECOND")).toBe("INTERVAL '5' SECOND");
  });

  it('leaves EXTRACT to the grammar when it cannot rewrite it (a comment inside)', () => {
    expect(ev('extract(year /* the year */ FROM ts)')).toEqual([2024, 1969, 2000, 1900, null]);
  });
});

describe('date_trunc', () => {
  it('truncates to each unit (UTC, weeks from Monday), also before 1970', () => {
    const want: Record<string, string[]> = {
      second: ['2024-02-29T13:45:30Z', '1969-12-31T23:59:59Z', '2000-12-31T00:00:00Z', '1900-03-01T06:07:08Z'],
      minute: ['2024-02-29T13:45:00Z', '1969-12-31T23:59:00Z', '2000-12-31T00:00:00Z', '1900-03-01T06:07:00Z'],
      hour: ['2024-02-29T13:00:00Z', '1969-12-31T23:00:00Z', '2000-12-31T00:00:00Z', '1900-03-01T06:00:00Z'],
      day: ['2024-02-29T00:00:00Z', '1969-12-31T00:00:00Z', '2000-12-31T00:00:00Z', '1900-03-01T00:00:00Z'],
      week: ['2024-02-26T00:00:00Z', '1969-12-29T00:00:00Z', '2000-12-25T00:00:00Z', '1900-02-26T00:00:00Z'],
      month: ['2024-02-01T00:00:00Z', '1969-12-01T00:00:00Z', '2000-12-01T00:00:00Z', '1900-03-01T00:00:00Z'],
      quarter: ['2024-01-01T00:00:00Z', '1969-10-01T00:00:00Z', '2000-10-01T00:00:00Z', '1900-01-01T00:00:00Z'],
      year: ['2024-01-01T00:00:00Z', '1969-01-01T00:00:00Z', '2000-01-01T00:00:00Z', '1900-01-01T00:00:00Z'],
    };
    for (const [unit, isos] of Object.entries(want)) {
      const e = compileExpression(`date_trunc('${unit}', ts)`, schema);
      expect(e.type).toBe('timestamp');
      expect([...e.evaluate(batch)], unit).toEqual([...isos.map(ms), null]);
    }
    expect(ev("date_trunc('MINUTES', ts)")[1]).toBe(-60_000);
    expect(ev("date_trunc('hour', '2024-05-06T07:08:09Z')")[0]).toBe(ms('2024-05-06T07:00:00Z'));
    expect(ev('date_trunc(NULL, ts)')).toEqual([null, null, null, null, null]);
  });

  it('needs a known constant unit and a timestamp', () => {
    expect(fails('date_trunc(s, ts)').message).toBe("date_trunc() needs a constant text unit as argument 1, such as 'minute'");
    expect(fails("date_trunc('fortnight', ts)").message).toMatch(/does not support unit 'fortnight' \(supported: millisecond, second/);
    expect(fails("date_trunc('second', n)").message).toBe('date_trunc() expects a timestamp as argument 2, got int64');
  });
});

describe('extract and date_part', () => {
  // [field, type, values for the four non-null rows]
  const cases: [string, 'int64' | 'float64', number[]][] = [
    ['year', 'int64', [2024, 1969, 2000, 1900]],
    ['quarter', 'int64', [1, 4, 4, 1]],
    ['month', 'int64', [2, 12, 12, 3]],
    ['week', 'int64', [9, 1, 52, 9]],
    ['day', 'int64', [29, 31, 31, 1]],
    ['hour', 'int64', [13, 23, 0, 6]],
    ['minute', 'int64', [45, 59, 0, 7]],
    ['second', 'float64', [30.123, 59.5, 0, 8.009]],
    ['millisecond', 'int64', [30123, 59500, 0, 8009]],
    ['epoch', 'float64', [1709214330.123, -0.5, 978220800, -2203869171.991]],
    ['dow', 'int64', [4, 3, 0, 4]],
    ['isodow', 'int64', [4, 3, 7, 4]],
    ['doy', 'int64', [60, 365, 366, 60]],
  ];

  it('give each field as Postgres does, in both spellings', () => {
    for (const [field, type, values] of cases) {
      for (const text of [`extract(${field} FROM ts)`, `EXTRACT(${field.toUpperCase()} from ts)`, `date_part('${field}', ts)`]) {
        const e = compileExpression(text, schema);
        expect(e.type, text).toBe(type);
        const got = [...e.evaluate(batch)].map((x) => (x === null ? null : Number(x)));
        expect(got.slice(0, 4).map((x, i) => x! - values[i]!).every((d) => Math.abs(d) < 1e-9), `${text}: ${got.join(',')}`).toBe(true);
        expect(got[4]).toBeNull();
      }
    }
  });

  it('accept plurals and quoted fields, and name the projection extract(...)', () => {
    expect(ev("date_part('hours', ts)")[0]).toBe(13);
    expect(ev("extract('ms' from ts)")[0]).toBe(30123);
    expect(ev('extract(milliseconds from ts) + 1')[0]).toBe(30124);
    expect(compileProjection('EXTRACT(Year  FROM ts)', schema).outputName).toBe('extract(year FROM ts)');
    expect(compileProjection("date_part('year', ts)", schema).outputName).toBe("date_part('year', ts)");
  });

  it('agree with Date for many timestamps across four centuries', () => {
    const values: number[] = [];
    let seed = 42;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      values.push(Math.round((seed / 2147483648 - 0.5) * 2 * 6.4e12));
    }
    const s: Schema = { fields: [{ name: 't', type: 'timestamp' }] };
    const b = new RecordBatch({ t: vectorFromArray(values, new TimestampMillisecond()).data[0]! });
    const get = (f: string) => [...compileExpression(`extract(${f} from t)`, s).evaluate(b)].map(Number);
    const [year, month, day, hour, minute, dow, doy] = ['year', 'month', 'day', 'hour', 'minute', 'dow', 'doy'].map(get);
    values.forEach((v, i) => {
      const d = new Date(v);
      expect([year![i], month![i], day![i], hour![i], minute![i], dow![i]]).toEqual([
        d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCDay(),
      ]);
      expect(doy![i]).toBe((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000 + 1);
    });
  });

  it('reject unknown fields and non-timestamps', () => {
    expect(fails('extract(century from ts)').message).toMatch(/^extract\(\) does not support unit 'century'/);
    expect(fails("date_part('year', f)").message).toBe('date_part() expects a timestamp as argument 2, got float64');
  });
});

describe('now()', () => {
  it('is the evaluation time, one value for the whole batch and every expression over it', async () => {
    const before = Date.now();
    const e = compileExpression('now()', schema);
    expect(e.type).toBe('timestamp');
    expect(e.nullable).toBe(false);
    const later = compileExpression("now() - INTERVAL '1' HOUR", schema);
    expect(later.type).toBe('timestamp');
    await new Promise((r) => setTimeout(r, 5));
    const v = [...e.evaluate(batch)] as number[];
    expect(new Set(v).size).toBe(1);
    expect(v[0]).toBeGreaterThanOrEqual(before + 5);
    expect(v[0]).toBeLessThanOrEqual(Date.now());
    // Not folded at compile time: the same batch shares the value, a later batch gets a later one.
    expect([...later.evaluate(batch)][0]).toBe(v[0]! - 3_600_000);
    const twice = [...compileExpression('now() - now()', schema).evaluate(batch)];
    expect(twice.every((x) => x === 0n)).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    const next = new RecordBatch({ ...Object.fromEntries(schema.fields.map((f, i) => [f.name, batch.getChildAt(i)!.data[0]!])) });
    expect([...e.evaluate(next)][0]).toBeGreaterThanOrEqual(v[0]! + 5);
  });

  it('filters rows against the wall clock', () => {
    expect(ev("ts > now() - INTERVAL '1' DAY")).toEqual([false, false, false, false, null]);
    expect(ev('ts < now()')).toEqual([true, true, true, true, null]);
  });
});

describe('to_timestamp', () => {
  it('reads milliseconds since the epoch (fractions truncated) and parses text', () => {
    const e = compileExpression('to_timestamp(n)', schema);
    expect(e.type).toBe('timestamp');
    expect([...e.evaluate(batch)]).toEqual([LEAP, 0, -1, null, 5]);
    expect(ev('to_timestamp(f)')).toEqual([1, -1, 0, null, 2]);
    expect(ev('to_timestamp(1709214330123) = ts')).toEqual([true, false, false, false, null]);
    expect(ev("extract(hour FROM to_timestamp('2024-01-01T05:00:00Z'))")[0]).toBe(5);
    expect(ev('to_timestamp(ts) = ts')).toEqual([true, true, true, true, null]);
  });

  it('fails the job on text that is no timestamp, and rejects other types', () => {
    const e = compileExpression('to_timestamp(s)', schema);
    expect(() => e.evaluate(batch)).toThrow(JobRuntimeError);
    expect(() => e.evaluate(batch)).toThrow(/invalid input for TIMESTAMP: "x"/);
    expect(fails('to_timestamp(n > 0)').message).toBe('to_timestamp() expects a number of milliseconds or text, got bool');
  });
});
