// CREATE TABLE: a connection table (Arroyo's term): its columns, its connector and options, and
// its event time. Whether it is read (FROM → a source) or written (INSERT INTO → a sink) shows
// only when it is used, so both readings are prepared here and their problems kept for then —
// unless the table cannot be used at all, which is reported at once.

import type { CreateTableStmt, Node } from 'sql-parser-cst';
import type { BadDataPolicy, EventTimeConfig, Field, Schema, SinkSpec, SourceSpec } from '../../types.js';
import type { PreparedStatement } from '../prepare.js';
import { type Problems, SqlError } from '../problems.js';
import { endOf, listItems, startOf } from '../syntax.js';
import { canRead, canWrite, type Connector, CONNECTORS, defaultEventTime, fixedSchema, sinkSpec, sourceSpec } from './connectors.js';
import { TableOptions } from './options.js';
import { fieldTypeOf, SUPPORTED_TYPES } from './sql-types.js';
import { readWatermark } from './watermark.js';

export interface SourcePlan {
  spec: SourceSpec;
  schema: Schema;
  eventTime?: EventTimeConfig;
  badData?: BadDataPolicy;
}

export interface TableDef {
  name: string;
  at: number;
  connector: Connector;
  /** Declared columns (sinks: the shape INSERT INTO must produce). */
  declared: Field[] | undefined;
  source: SourcePlan | SqlError;
  sink: SinkSpec | SqlError;
}

export interface TableContext {
  query: string;
  prefix: string;
  problems: Problems;
}

const SOURCE_OPTIONS = ['event_time_field', 'watermark_delay', 'idle_timeout', 'bad_data'];

export function defineTable(stmt: CreateTableStmt, prepared: PreparedStatement, ctx: TableContext): TableDef {
  const name = stmt.name.type === 'identifier' ? stmt.name.name : undefined;
  if (name === undefined) throw new SqlError('table names are plain names (no schema.table)', startOf(stmt.name));
  const at = startOf(stmt.name);
  const asClause = stmt.clauses.find((c) => c.type === 'as_clause');
  if (asClause) throw new SqlError('CREATE TABLE ... AS SELECT (memory tables) is not supported; use CREATE VIEW', startOf(asClause));
  const withClause = stmt.clauses.find((c) => c.type === 'postgresql_with_options');
  const unsupported = stmt.clauses.find((c) => c.type !== 'postgresql_with_options');
  if (unsupported) throw new SqlError(`unsupported clause in CREATE TABLE (${unsupported.type.replace(/_/g, ' ')})`, startOf(unsupported));
  if (!withClause) throw new SqlError(`table "${name}" needs WITH (connector = '...', ...)`, at);
  const options = TableOptions.read(listItems(withClause.options.expr as Node), ctx.query);
  const c = options.get('connector');
  if (!c) throw new SqlError(`table "${name}" needs a connector: WITH (connector = '${CONNECTORS.join("' | '")}', ...)`, startOf(withClause));
  const connector = c.value.toLowerCase() as Connector;
  if (!CONNECTORS.includes(connector)) throw new SqlError(`unknown connector '${c.value}' (expected one of ${CONNECTORS.join(', ')})`, c.valueAt);

  const declared = stmt.columns ? columnsOf(listItems(stmt.columns.expr as Node), ctx) : undefined;
  const fixed = fixedSchema(connector);
  if (fixed && declared) checkFixedColumns(declared, fixed, connector, stmt);
  const role = options.oneOf('type', ['source', 'sink'] as const);
  const where = { at, prefix: ctx.prefix };

  const readable = canRead(connector) && role !== 'sink';
  const writable = canWrite(connector) && role !== 'source';
  let source: SourcePlan | SqlError = new SqlError(role === 'sink' ? "it is declared type = 'sink'" : `connector '${connector}' only writes (it is a sink)`, at);
  if (readable) {
    source = attempt(() => {
      const schema = fixed ?? (declared && { fields: declared });
      const spec = sourceSpec(connector, options, schema, where);
      return { spec, schema: schema!, ...eventTimeOf(connector, options, schema, prepared) };
    });
  } else if (prepared.watermarks.length > 0) {
    throw new SqlError('WATERMARK FOR only applies to tables that are read', prepared.watermarks[0]!.pos, true);
  }
  let sink: SinkSpec | SqlError = new SqlError(role === 'source' ? "it is declared type = 'source'" : `connector '${connector}' only reads (it is a source)`, at);
  if (writable) sink = attempt(() => sinkSpec(connector, options, where));
  // Event time options belong to reading; when reading failed early they were not looked at.
  if (canRead(connector)) for (const key of SOURCE_OPTIONS) if (options.values.has(key)) options.get(key);

  const unknown = options.unknown();
  for (const u of unknown) ctx.problems.add(`unknown option "${u.key}" for connector '${connector}'`, u.keyAt);
  // A table that can be neither read nor written is broken now, not at its first use; so is one
  // meant to be read (it declares event time or type = 'source') whose reading fails.
  const meantToRead = role === 'source' || prepared.watermarks.length > 0 || options.values.has('event_time_field');
  if (readable && source instanceof SqlError && (!writable || sink instanceof SqlError || meantToRead)) throw source;
  if (writable && sink instanceof SqlError && (!readable || source instanceof SqlError)) throw sink;
  return { name, at, connector, declared, source, sink };
}

function attempt<T>(step: () => T): T | SqlError {
  try {
    return step();
  } catch (err) {
    if (err instanceof SqlError) return err;
    throw err;
  }
}

function columnsOf(items: Node[], ctx: TableContext): Field[] {
  const fields: Field[] = [];
  for (const item of items) {
    if (item.type !== 'column_definition') throw new SqlError('table constraints are not supported; declare columns as name TYPE [NOT NULL]', startOf(item));
    const name = item.name.name;
    if (fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) throw new SqlError(`column "${name}" is declared twice`, startOf(item.name));
    if (!item.dataType) throw new SqlError(`column "${name}" needs a type (${SUPPORTED_TYPES})`, endOf(item.name));
    const written = ctx.query.slice(startOf(item.dataType), endOf(item.dataType));
    const type = fieldTypeOf(written);
    if (!type) throw new SqlError(`unsupported type ${written} (supported: ${SUPPORTED_TYPES})`, startOf(item.dataType));
    let nullable = true;
    for (const con of item.constraints) {
      if (con.type === 'constraint_not_null') nullable = false;
      // A primary key matters to Arroyo's updating (Debezium) formats only; JSON output ignores it.
      else if (con.type === 'constraint_primary_key') continue;
      else if (con.type === 'constraint_generated') throw new SqlError('generated (virtual) columns are not supported', startOf(con));
      else if (con.type !== 'constraint_null') throw new SqlError(`column constraint not supported (${con.type.replace(/^constraint_/, '').replace(/_/g, ' ')})`, startOf(con));
    }
    fields.push({ name, type, nullable });
  }
  return fields;
}

function checkFixedColumns(declared: Field[], fixed: Schema, connector: Connector, stmt: CreateTableStmt): void {
  const items = listItems(stmt.columns!.expr as Node);
  declared.forEach((f, i) => {
    const known = fixed.fields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    if (!known) {
      const names = fixed.fields.map((x) => x.name).join(', ');
      throw new SqlError(`the ${connector} connector has no column "${f.name}"; its columns are fixed (${names}); omit the column list`, startOf(items[i]!));
    }
  });
}

/** WATERMARK FOR / event_time_field / the generator's own time column. */
function eventTimeOf(c: Connector, o: TableOptions, schema: Schema | undefined, s: PreparedStatement): { eventTime?: EventTimeConfig; badData?: BadDataPolicy } {
  if (s.watermarks.length > 1) throw new SqlError('a table has at most one WATERMARK FOR', s.watermarks[1]!.pos, true);
  const wm = s.watermarks[0] ? readWatermark(s.watermarks[0]) : undefined;
  const field = o.get('event_time_field');
  const delay = o.durationMs('watermark_delay');
  const idle = o.durationMs('idle_timeout');
  const badData = o.oneOf('bad_data', ['fail', 'drop'] as const);
  const extra = badData !== undefined ? { badData } : {};
  if (wm && field && wm.column.toLowerCase() !== field.value.toLowerCase()) {
    throw new SqlError(`event_time_field '${field.value}' differs from WATERMARK FOR ${wm.column}`, field.valueAt);
  }
  if (wm && delay !== undefined) throw new SqlError('give the watermark delay once: in WATERMARK FOR ... AS ... - INTERVAL, or as watermark_delay', o.get('watermark_delay')!.valueAt);
  const column = wm?.column ?? field?.value ?? defaultEventTime(c);
  if (column === undefined) {
    const stray = o.get('watermark_delay') ?? o.get('idle_timeout');
    if (stray) throw new SqlError(`option "${stray.key}" needs an event time: add event_time_field or WATERMARK FOR`, stray.keyAt);
    return extra;
  }
  const fail = (message: string): never => {
    if (wm) throw new SqlError(message, wm.at, true);
    throw new SqlError(message, field?.valueAt ?? 0);
  };
  const fields = schema?.fields ?? [];
  const exact = fields.find((f) => f.name === column);
  const found = exact ?? (wm?.quoted ? undefined : fields.find((f) => f.name.toLowerCase() === column.toLowerCase()));
  if (!found) return fail(`event time column "${column}" is not a column of the table`);
  if (found.type !== 'timestamp') return fail(`event time column "${found.name}" must be a TIMESTAMP, not ${found.type}`);
  const eventTime: EventTimeConfig = { event_time_field: found.name, watermark_delay_ms: wm ? wm.delayMs : (delay ?? 1000) };
  if (idle !== undefined) eventTime.idle_timeout_ms = idle;
  return { eventTime, ...extra };
}
