// Builds the in-process operator chain of one physical task (the fused forward edges), naming
// each part by its logical node id: checkpointed state is stored per node, so it finds its
// operator again even when a rescale chains the tasks differently.

import type { RecordBatch } from 'apache-arrow';
import { InternalError } from '../errors.js';
import type { OperatorSpec, PhysicalTask, Schema, SinkSpec, SourceSpec } from '../types.js';
import { aggregateOperator } from './aggregate.js';
import { filterOperator } from './filter.js';
import { joinOperator } from './join/index.js';
import { projectOperator } from './project.js';
import { windowAggregateOperator } from './window/window-aggregate.js';
import type { BatchOperator, OperatorContext } from './types.js';
import { unionOperator } from './union.js';

export interface TaskChain {
  source: SourceSpec | null;
  operators: BatchOperator[];
  sinks: SinkSpec[];
  /** Logical node ids: of the source, of each entry of `operators`, of each entry of `sinks`. */
  sourceNode: string | null;
  operatorNodes: string[];
  sinkNodes: string[];
  /** Runs a batch through every operator (`input`: which input of the first one); null when nothing is left. */
  run(batch: RecordBatch, input?: number): RecordBatch | null;
  /**
   * Event time reached `watermarkMs`: each operator in turn emits what it completes, and that
   * output runs through the operators after it. Returns the chain's output, in order.
   */
  runWatermark(watermarkMs: number): RecordBatch[];
}

/**
 * `ctx` says which subtask this chain runs as: keyed operators restore the key groups it owns.
 * `inputSchemas[i]`: the schema arriving on input i of the task (the output schema of the
 * upstream task whose edge has input_index i); a join needs both, a union checks them.
 */
export function buildChain(task: PhysicalTask, ctx: OperatorContext, inputSchemas?: Schema[]): TaskChain {
  if (task.node_ids.length !== task.operators.length) {
    throw new InternalError(`task ${task.task_id} has ${task.operators.length} operators but ${task.node_ids.length} node ids`);
  }
  let source: SourceSpec | null = null;
  let sourceNode: string | null = null;
  const sinks: SinkSpec[] = [];
  const sinkNodes: string[] = [];
  const operators: BatchOperator[] = [];
  const operatorNodes: string[] = [];
  let schema = task.inputSchema;
  task.operators.forEach((op, i) => {
    const node = task.node_ids[i]!;
    const built = buildOperator(op, schema, ctx, inputSchemas);
    if (op.kind === 'source') [source, sourceNode] = [op.source, node];
    else if (op.kind === 'sink') {
      sinks.push(op.sink);
      sinkNodes.push(node);
    }
    if (built) {
      operators.push(built);
      operatorNodes.push(node);
      schema = built.outputSchema;
    }
  });
  return {
    source,
    operators,
    sinks,
    sourceNode,
    operatorNodes,
    sinkNodes,
    run(batch, input) {
      return runFrom(operators, 0, batch, input);
    },
    runWatermark(watermarkMs) {
      const out: RecordBatch[] = [];
      operators.forEach((op, i) => {
        const emitted = op.onWatermark?.(watermarkMs);
        const rest = emitted ? runFrom(operators, i + 1, emitted) : null;
        if (rest) out.push(rest);
      });
      return out;
    },
  };
}

function runFrom(operators: BatchOperator[], start: number, batch: RecordBatch, input?: number): RecordBatch | null {
  let current: RecordBatch | null = batch;
  for (let i = start; i < operators.length && current; i++) current = operators[i]!.process(current, i === start ? input : undefined);
  return current;
}

function buildOperator(op: OperatorSpec, schema: PhysicalTask['inputSchema'], ctx: OperatorContext, inputSchemas?: Schema[]): BatchOperator | null {
  switch (op.kind) {
    case 'filter':
      return filterOperator(op.condition, schema, ctx.udfs);
    case 'project':
      return projectOperator(op.expressions, schema, ctx.udfs);
    case 'aggregate':
      return aggregateOperator(op.group_by, op.aggregates, schema, ctx, { updating: op.updating, ttlMs: op.ttl_ms });
    case 'join': {
      const [left, right] = inputSchemas ?? [];
      if (!left || !right) throw new InternalError('the join operator needs the schemas of both its inputs');
      return joinOperator(op, left, right, ctx);
    }
    // Without the inputs' schemas the planner's input schema stands for all of them.
    case 'union':
      return unionOperator(inputSchemas?.length ? inputSchemas : [schema]);
    case 'window_aggregate':
      return windowAggregateOperator(op, schema, ctx);
    // key_by only marks where the planner shuffles; inside a chain rows pass unchanged.
    case 'key_by':
    case 'source':
    case 'sink':
      return null;
  }
}
