// `project`: evaluates each projection item over the whole batch and assembles a new batch.

import type { RecordBatch } from 'apache-arrow';
import { batchFromColumns } from '../dataflow/arrow/index.js';
import { compileProjection, type UdfRegistry } from '../sql/expr/index.js';
import type { Schema } from '../types.js';
import type { BatchOperator } from './types.js';

export function projectOperator(expressions: string[], input: Schema, udfs?: UdfRegistry): BatchOperator {
  const items = expressions.map((text) => compileProjection(text, input, undefined, { udfs }));
  const outputSchema: Schema = {
    fields: items.map((e) => ({ name: e.outputName, type: e.type, nullable: e.nullable })),
  };
  return {
    name: 'project',
    outputSchema,
    process(batch: RecordBatch): RecordBatch | null {
      if (batch.numRows === 0) return null;
      return batchFromColumns(outputSchema, items.map((e) => e.evaluate(batch)));
    },
  };
}
