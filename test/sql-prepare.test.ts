// The token-level pass before parsing (src/sql/prepare.ts): Arroyo's dialect made PostgreSQL,
// with every edited offset mapping back to the user's line and column.

import { describe, expect, it } from 'vitest';
import { prepareQuery } from '../src/sql/prepare.js';

describe('prepareQuery', () => {
  it('cuts WATERMARK FOR out of the column list and keeps it for the catalog', () => {
    const q = prepareQuery(`CREATE TABLE t (a INT, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, ts TIMESTAMP) WITH (connector = 'nats');`);
    expect(q.text).toBe(`CREATE TABLE t ("a" INT, "ts" TIMESTAMP) WITH (connector = 'nats');`);
    const [w] = q.statements[0]!.watermarks;
    expect(w!.tokens.map((t) => t.text).join(' ')).toBe("FOR ts AS ts - INTERVAL '5' SECOND");
    expect(w!.pos).toBe(23);
  });

  it('removes the parentheses of a list that only held a WATERMARK', () => {
    const q = prepareQuery("CREATE TABLE n (WATERMARK FOR event_time) WITH (connector = 'nexmark'); SELECT 1;");
    expect(q.text).toBe("CREATE TABLE n  WITH (connector = 'nexmark'); SELECT 1;");
    expect(q.statements).toHaveLength(2);
  });

  it('quotes window and a bare end, but not CASE ... END', () => {
    const q = prepareQuery('SELECT window.end, CASE WHEN x THEN 1 END AS y, end FROM t GROUP BY window');
    expect(q.text).toBe('SELECT "window"."end", CASE WHEN x THEN 1 END AS y, "end" FROM t GROUP BY "window"');
    expect([...q.autoQuoted].map((p) => q.text.slice(p, p + 5))).toEqual(['"wind', '"end"', '"end"', '"wind']);
  });

  it("turns 'key' = value in WITH into a quoted name, drops UNSIGNED, reads == as =", () => {
    const q = prepareQuery("CREATE TABLE t (c BIGINT UNSIGNED) WITH ('connector' = 'nats'); SELECT * FROM t WHERE c == 'x' = 'y'");
    expect(q.text).toBe(`CREATE TABLE t ("c" BIGINT ) WITH ("connector" = 'nats'); SELECT * FROM t WHERE c = 'x' = 'y'`);
  });

  it('maps edited offsets back to the original line and column', () => {
    const src = "CREATE TABLE t (a INT,\n  WATERMARK FOR b) WITH (x = 'y');\nSELECT window.start, zzz FROM t";
    const q = prepareQuery(src);
    const at = q.text.indexOf('zzz');
    expect(q.map.lineCol(at)).toEqual({ line: 3, column: 22 });
    expect(q.map.lineCol(q.text.indexOf('"window"'))).toEqual({ line: 3, column: 8 });
  });

  it('splits statements at top-level semicolons only, blanking comments in the flat text', () => {
    const q = prepareQuery("SELECT ';' FROM t; -- a ; comment\nSELECT 2 /* ; */ FROM u;");
    expect(q.statements.map((s) => q.text.slice(s.start, s.end).trim())).toEqual(["SELECT ';' FROM t", '-- a ; comment\nSELECT 2 /* ; */ FROM u']);
    expect(q.flat).not.toContain('comment');
    expect(q.flat).toHaveLength(q.text.length);
  });
});
