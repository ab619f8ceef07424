// Shared types: the job spec (seed 001's JSON shape), schemas, the logical graph and the physical
// plan. This is the one big types file; everything else stays small.

/** Column types a spec may declare. `timestamp` is milliseconds since the epoch. */
export type FieldType = 'int32' | 'int64' | 'float64' | 'utf8' | 'bool' | 'timestamp';
export const FIELD_TYPES: readonly FieldType[] = ['int32', 'int64', 'float64', 'utf8', 'bool', 'timestamp'];

export interface Field {
  name: string;
  type: FieldType;
  /** Defaults to true: JSON input may omit any field. */
  nullable?: boolean;
}

export interface Schema {
  fields: Field[];
}

export type RestartStrategyName = 'none' | 'fixed_delay' | 'exponential_backoff' | 'failure_rate';

export interface JobConfig {
  /** 1..256, default 1. */
  parallelism: number;
  /** Default 10000. */
  checkpoint_interval_ms: number;
  /** Rows per batch before a flush, default 4096. */
  batch_size: number;
  /** Longest a partly filled batch waits before a flush, default 5 ms. */
  linger_ms: number;
  /** Accepted for seed-001 compatibility; only the in-memory backend exists. */
  state_backend?: string;
  restart_strategy?: RestartStrategyName | Record<string, unknown>;
}

export type SourceType = 'impulse' | 'nats' | 'jetstream';
export type SinkType = 'nats' | 'jetstream' | 'preview' | 'stdout' | 'blackhole';
export type TransformationType = 'filter' | 'project' | 'key_by' | 'aggregate';

export interface ImpulseSourceConfig {
  /** Records per second per job (split across subtasks); 0 or absent: as fast as possible. */
  event_rate?: number;
  /** Total records; absent: unbounded. */
  count?: number;
}
export interface NatsSourceConfig {
  subject: string;
  format: 'json';
  schema: Schema;
}
export interface JetStreamSourceConfig {
  stream: string;
  subject: string;
  format: 'json';
  schema: Schema;
  start_sequence?: number;
}
export type SourceSpec =
  | { type: 'impulse'; config: ImpulseSourceConfig }
  | { type: 'nats'; config: NatsSourceConfig }
  | { type: 'jetstream'; config: JetStreamSourceConfig };

export type TransformationSpec =
  | { type: 'filter'; config: { condition: string } }
  | { type: 'project'; config: { expressions: string[] } }
  | { type: 'key_by'; config: { keys: string[] } }
  /** Updating GROUP BY: `aggregates` items are `fn(arg) [AS alias]`, fn one of count/sum/min/max/avg. */
  | { type: 'aggregate'; config: { group_by: string[]; aggregates: string[] } };

export type SinkSpec =
  | { type: 'nats'; config: { subject: string; format: 'json' } }
  | { type: 'jetstream'; config: { stream: string; subject: string; format: 'json' } }
  | { type: 'preview'; config: Record<string, never> }
  | { type: 'stdout'; config: { format?: 'json' } }
  | { type: 'blackhole'; config: Record<string, never> };

/** A validated job spec: defaults filled in, every field checked. */
export interface JobSpec {
  name: string;
  config: JobConfig;
  sources: SourceSpec[];
  transformations: TransformationSpec[];
  sinks: SinkSpec[];
}

/** The fixed schema the impulse source produces (Arroyo's impulse table). */
export const IMPULSE_SCHEMA: Schema = {
  fields: [
    { name: 'counter', type: 'int64', nullable: false },
    { name: 'subtask_index', type: 'int32', nullable: false },
    { name: 'timestamp', type: 'timestamp', nullable: false },
  ],
};

// ---------------------------------------------------------------------------------------------
// Logical graph: one node per source, transformation and sink; edges say how data moves.

export type EdgeKind = 'forward' | 'shuffle';

export type OperatorSpec =
  | { kind: 'source'; source: SourceSpec }
  | { kind: 'filter'; condition: string }
  | { kind: 'project'; expressions: string[] }
  /** Marks where rows are hash-partitioned; a no-op inside a chain. */
  | { kind: 'key_by'; keys: string[] }
  /** Keyed, stateful: emits each changed group's new values after every batch. */
  | { kind: 'aggregate'; group_by: string[]; aggregates: string[] }
  | { kind: 'sink'; sink: SinkSpec };

export interface LogicalNode {
  id: string;
  /** Human name, e.g. `nats-source`, `filter`, `project`, `jetstream-sink`. */
  name: string;
  op: OperatorSpec;
  parallelism: number;
  inputSchema: Schema | null;
  outputSchema: Schema;
}

export interface LogicalEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Key columns of a shuffle edge, in the upstream node's output schema. */
  keys?: string[];
}

export interface LogicalGraph {
  nodes: LogicalNode[];
  edges: LogicalEdge[];
}

// ---------------------------------------------------------------------------------------------
// Physical plan: forward chains fused into tasks; each task runs `parallelism` subtasks.

export interface PhysicalEdge {
  /** Stable within a plan, used in data subjects: `e0`, `e1`, ... */
  edge_id: string;
  from_task: string;
  to_task: string;
  kind: EdgeKind;
  /** Hash keys (shuffle edges), columns of the upstream task's output schema. */
  keys: string[];
}

export interface PhysicalTask {
  /** `task-1`, `task-2`, ... in topological order. */
  task_id: string;
  /** Operator names joined by ` -> `, e.g. `nats-source -> filter -> project`. */
  name: string;
  parallelism: number;
  /** Operators fused in this task, in order: at most one source (first), sinks last. */
  operators: OperatorSpec[];
  /**
   * The logical node id of each operator (same order). Checkpointed state is keyed by node id,
   * so it survives a re-chaining of tasks (e.g. a rescale from 1 to 2 adds a shuffle).
   */
  node_ids: string[];
  /** Schema flowing into the first non-source operator (from the source or the input edge). */
  inputSchema: Schema;
  /** Schema leaving the last non-sink operator. */
  outputSchema: Schema;
  inputs: PhysicalEdge[];
  outputs: PhysicalEdge[];
}

export interface PhysicalPlan {
  tasks: PhysicalTask[];
  edges: PhysicalEdge[];
}

/** One subtask placed on one worker slot. */
export interface SubtaskAssignment {
  task_id: string;
  subtask_index: number;
  worker_id: string;
}
