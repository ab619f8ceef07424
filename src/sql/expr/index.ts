// Public API of the SQL expression engine: compile a scalar expression against a schema once,
// then evaluate it column-wise over Arrow record batches.
//
// Types: integer literals are int64, decimals float64; integer arithmetic is int64 (`/` truncates
// toward zero), anything with a float64 is float64; timestamp ± integer ms is a timestamp, and an
// INTERVAL is an int64 literal of milliseconds. Column names may be qualified (`bid.price`, see
// names.ts); calls to unknown names go to the job's scalar UDFs (udf.ts) when options give them.
// While computing, numbers are doubles: int64 results are exact up to ±2^53 (a bare int64
// column is passed through untouched and stays exact).

import type { Data, RecordBatch, Schema as ArrowSchema, Vector } from 'apache-arrow';
import { InternalError, JobRuntimeError, ValidationError, type ErrorDetail } from '../../errors.js';
import type { FieldType, Schema } from '../../types.js';
import { ExprCompileError } from './ast.js';
import { hasFieldType, readColumn, toVector } from './arrow.js';
import { retype, typeLabel } from './coerce.js';
import type { Col } from './col.js';
import { evaluatePlan, makeBroadcast } from './eval.js';
import { lastPartName } from './names.js';
import { lineCol, parseExpression } from './parse.js';
import { kindOf, type Plan, type Site } from './plan.js';
import { render } from './render.js';
import { typecheck } from './typecheck.js';
import type { UdfRegistry } from './udf-types.js';

export { parseInterval } from './interval.js';
export { rewriteSyntax } from './rewrite.js';
export { loadUdfs, udf, udaf, UDF_MODULE } from './udf.js';
export { emptyUdfRegistry, type AggregateUdf, type NullHandling, type ScalarUdf, type UdfRegistry } from './udf-types.js';
export { checkUdfArgTypes } from './udf-call.js';
export { jsValues, vectorFromJs } from './udf-values.js';

export interface CompileOptions {
  /** The job's user-defined functions; scalar ones may be called in the expression. */
  udfs?: UdfRegistry | undefined;
  /** Told the name of every input column the expression reads (column pruning, dataflow/prune.ts). */
  onColumn?: ((name: string) => void) | undefined;
}

export interface CompiledExpr {
  readonly text: string;
  /** Alias, else the last part of a (qualified) column name (`bid.price` → `price`), else the normalized expression text. */
  readonly outputName: string;
  readonly type: FieldType;
  readonly nullable: boolean;
  /** Evaluates over a whole batch; returns a Vector of batch.numRows values of `type`. */
  evaluate(batch: RecordBatch): Vector;
}

/** Parses + type-checks one scalar expression against `schema`; throws ValidationError. */
export function compileExpression(text: string, schema: Schema, fieldPath?: string, options?: CompileOptions): CompiledExpr {
  return compile(text, schema, fieldPath, 'expression', options);
}

/** Like compileExpression but also accepts `expr AS alias` (a projection item). */
export function compileProjection(text: string, schema: Schema, fieldPath?: string, options?: CompileOptions): CompiledExpr {
  return compile(text, schema, fieldPath, 'projection', options);
}

/** A filter condition: must be of type bool. */
export function compileCondition(text: string, schema: Schema, fieldPath?: string, options?: CompileOptions): CompiledExpr {
  return compile(text, schema, fieldPath, 'condition', options);
}

type Mode = 'expression' | 'projection' | 'condition';

function compile(text: string, schema: Schema, fieldPath: string | undefined, mode: Mode, options: CompileOptions | undefined): CompiledExpr {
  try {
    const { expr, alias } = parseExpression(text, mode === 'projection');
    let plan = typecheck(expr, schema, text, options?.udfs, options?.onColumn);
    if (mode === 'condition' && plan.type !== 'bool' && plan.type !== 'null') {
      throw new ExprCompileError(`condition must be bool, got ${typeLabel(plan.type)}`, expr.pos);
    }
    // A bare NULL has no type of its own: a condition reads it as bool, a value as text.
    if (plan.type === 'null') plan = retype(plan, mode === 'condition' ? 'bool' : 'utf8');
    const outputName = alias ?? (plan.k === 'col' && expr.k === 'col' ? lastPartName(plan.name, [...(expr.qualifier ?? []), expr]) : render(expr));
    return new Compiled(text, outputName, plan, schema);
  } catch (err) {
    if (err instanceof ExprCompileError) throw toValidationError(err, text, fieldPath);
    throw err;
  }
}

function toValidationError(err: ExprCompileError, text: string, fieldPath: string | undefined): ValidationError {
  const detail: ErrorDetail = { message: err.message };
  if (fieldPath !== undefined) detail.field = fieldPath;
  if (err.pos !== undefined) {
    const { line, column } = lineCol(text, err.pos);
    if (text.includes('\n')) detail.line = line;
    detail.column = column;
  }
  const message = fieldPath !== undefined ? `${fieldPath}: ${err.message}` : err.message;
  return new ValidationError(message, [detail], err);
}

// now() is read once per batch and shared by every expression evaluated over that batch.
const batchTimes = new WeakMap<RecordBatch, number>();
function batchNow(batch: RecordBatch): number {
  let t = batchTimes.get(batch);
  if (t === undefined) batchTimes.set(batch, (t = Date.now()));
  return t;
}

class Compiled implements CompiledExpr {
  readonly type: FieldType;
  readonly nullable: boolean;
  private boundSchema: ArrowSchema | null = null;
  private bound: number[] = [];

  constructor(
    readonly text: string,
    readonly outputName: string,
    private readonly plan: Plan,
    private readonly schema: Schema,
  ) {
    this.type = plan.type as FieldType;
    this.nullable = plan.nullable;
  }

  evaluate(batch: RecordBatch): Vector {
    const n = batch.numRows;
    const plan = this.plan;
    if (plan.k === 'col') {
      const data = this.columnData(batch, plan.index);
      if (hasFieldType(data.type, this.type)) return batch.getChildAt(this.bind(batch, plan.index))!;
    }
    // A constant result must not share the evaluator's cached broadcast arrays with the caller.
    const col = plan.k === 'const'
      ? makeBroadcast(kindOf(plan.type), plan.value, n)
      : evaluatePlan(plan, n, (index) => this.readField(batch, index), (site, message) => this.fail(site, message), () => batchNow(batch));
    return toVector(col, this.type, n);
  }

  private readField(batch: RecordBatch, index: number): Col {
    const field = this.schema.fields[index]!;
    const col = readColumn(this.columnData(batch, index), field.name);
    if (col.t !== kindOf(field.type)) {
      throw new InternalError(`column "${field.name}" is declared ${field.type} but the batch holds ${String(this.columnData(batch, index).type)}`);
    }
    return col;
  }

  private columnData(batch: RecordBatch, index: number): Data {
    // Through getChildAt: batches built from `{ name: Vector }` hold Vectors, not Data, as children.
    const chunks = batch.getChildAt(this.bind(batch, index))?.data;
    if (!chunks || chunks.length !== 1) throw new InternalError(`column "${this.schema.fields[index]!.name}" is not a single Arrow chunk`);
    return chunks[0]!;
  }

  /** Batch column index of schema field `index`, matched by name (cached per Arrow schema). */
  private bind(batch: RecordBatch, index: number): number {
    if (batch.schema !== this.boundSchema) {
      const names = batch.schema.fields.map((f) => f.name);
      this.bound = this.schema.fields.map((f) => names.indexOf(f.name));
      this.boundSchema = batch.schema;
    }
    const i = this.bound[index]!;
    if (i < 0) throw new InternalError(`column "${this.schema.fields[index]!.name}" is missing from the batch (expression: ${this.text})`);
    return i;
  }

  private fail(site: Site, message: string): never {
    const whole = this.text.trim();
    const where = site.src === whole ? `"${site.src}"` : `"${site.src}" (expression: ${whole})`;
    throw new JobRuntimeError(`${message} in ${where}`, { domain: 'user', retryable: false });
  }
}
