// Builds the in-process operator chain of one physical task (the fused forward edges).

import type { RecordBatch } from 'apache-arrow';
import type { OperatorSpec, PhysicalTask, SinkSpec, SourceSpec } from '../types.js';
import { aggregateOperator } from './aggregate.js';
import { filterOperator } from './filter.js';
import { projectOperator } from './project.js';
import type { BatchOperator, OperatorContext } from './types.js';

export interface TaskChain {
  source: SourceSpec | null;
  operators: BatchOperator[];
  sinks: SinkSpec[];
  /** Runs a batch through every operator; null when nothing is left. */
  run(batch: RecordBatch): RecordBatch | null;
}

/** `ctx` says which subtask this chain runs as: keyed operators restore the key groups it owns. */
export function buildChain(task: PhysicalTask, ctx: OperatorContext): TaskChain {
  let source: SourceSpec | null = null;
  const sinks: SinkSpec[] = [];
  const operators: BatchOperator[] = [];
  let schema = task.inputSchema;
  for (const op of task.operators) {
    const built = buildOperator(op, schema, ctx);
    if (op.kind === 'source') source = op.source;
    else if (op.kind === 'sink') sinks.push(op.sink);
    if (built) {
      operators.push(built);
      schema = built.outputSchema;
    }
  }
  return {
    source,
    operators,
    sinks,
    run(batch) {
      let current: RecordBatch | null = batch;
      for (let i = 0; i < operators.length && current; i++) current = operators[i]!.process(current);
      return current;
    },
  };
}

function buildOperator(op: OperatorSpec, schema: PhysicalTask['inputSchema'], ctx: OperatorContext): BatchOperator | null {
  switch (op.kind) {
    case 'filter':
      return filterOperator(op.condition, schema);
    case 'project':
      return projectOperator(op.expressions, schema);
    case 'aggregate':
      return aggregateOperator(op.group_by, op.aggregates, schema, ctx);
    // key_by only marks where the planner shuffles; inside a chain rows pass unchanged.
    case 'key_by':
    case 'source':
    case 'sink':
      return null;
  }
}
