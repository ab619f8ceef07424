// `union`: several inputs of one schema merged into one stream. Batches pass on as they are; only
// their schema is swapped (no copy) for the union's, whose names are the first input's and whose
// columns are nullable wherever any input's is, so downstream sees one schema.

import type { RecordBatch } from 'apache-arrow';
import { InternalError } from '../errors.js';
import { fieldTypeOf } from '../dataflow/arrow/index.js';
import { assembleBatch, toArrowSchema } from '../dataflow/arrow/schema.js';
import { unionSchemas } from '../spec/schema.js';
import type { Schema } from '../types.js';
import type { BatchOperator } from './types.js';

/** `inputs`: the schema of each input (at least one), all with the same column types in order. */
export function unionOperator(inputs: Schema[]): BatchOperator {
  const [first] = inputs;
  if (!first) throw new InternalError('union needs at least one input');
  inputs.forEach((s, i) => {
    const same = s.fields.length === first.fields.length && s.fields.every((f, c) => f.type === first.fields[c]!.type);
    if (!same) throw new InternalError(`union input ${i} has columns ${describe(s)}, input 0 ${describe(first)}`);
  });
  const outputSchema = unionSchemas(inputs);
  const arrowSchema = toArrowSchema(outputSchema);
  return {
    name: 'union',
    outputSchema,
    process(batch: RecordBatch): RecordBatch | null {
      if (batch.numRows === 0) return null;
      const children = batch.data.children;
      const fits = children.length === outputSchema.fields.length && children.every((d, c) => fieldTypeOf(d.type) === outputSchema.fields[c]!.type);
      if (!fits) throw new InternalError(`union got a batch of ${batch.schema.fields.map((f) => String(f.type)).join(', ')}, expected ${describe(outputSchema)}`);
      return assembleBatch(arrowSchema, batch.numRows, children);
    },
  };
}

function describe(s: Schema): string {
  return s.fields.map((f) => f.type).join(', ');
}
