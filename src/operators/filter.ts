// `filter`: keeps the rows whose condition is TRUE (NULL drops the row, as in SQL WHERE).

import type { RecordBatch } from 'apache-arrow';
import { filterBatch } from '../dataflow/arrow/index.js';
import { compileCondition, type UdfRegistry } from '../sql/expr/index.js';
import type { Schema } from '../types.js';
import type { BatchOperator } from './types.js';

export function filterOperator(condition: string, input: Schema, udfs?: UdfRegistry): BatchOperator {
  const expr = compileCondition(condition, input, undefined, { udfs });
  return {
    name: 'filter',
    outputSchema: input,
    process(batch: RecordBatch): RecordBatch | null {
      const out = filterBatch(batch, expr.evaluate(batch));
      return out.numRows === 0 ? null : out;
    },
  };
}
