// Builds the in-process operator chain of one physical task (the fused forward edges).

import type { RecordBatch } from 'apache-arrow';
import type { OperatorSpec, PhysicalTask, SinkSpec, SourceSpec } from '../types.js';
import { filterOperator } from './filter.js';
import { projectOperator } from './project.js';
import type { BatchOperator } from './types.js';

export interface TaskChain {
  source: SourceSpec | null;
  operators: BatchOperator[];
  sinks: SinkSpec[];
  /** Runs a batch through every operator; null when nothing is left. */
  run(batch: RecordBatch): RecordBatch | null;
}

export function buildChain(task: PhysicalTask): TaskChain {
  let source: SourceSpec | null = null;
  const sinks: SinkSpec[] = [];
  const operators: BatchOperator[] = [];
  let schema = task.inputSchema;
  for (const op of task.operators) {
    const built = buildOperator(op, schema);
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

function buildOperator(op: OperatorSpec, schema: PhysicalTask['inputSchema']): BatchOperator | null {
  switch (op.kind) {
    case 'filter':
      return filterOperator(op.condition, schema);
    case 'project':
      return projectOperator(op.expressions, schema);
    // key_by only marks where the planner shuffles; inside a chain rows pass unchanged.
    case 'key_by':
    case 'source':
    case 'sink':
      return null;
  }
}
