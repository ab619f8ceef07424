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

export type SourceType = 'impulse' | 'nats' | 'jetstream' | 'nexmark' | 'json_file';
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
/** Event time of a source (SQL: `WATERMARK FOR` or `event_time_field`). */
export interface EventTimeConfig {
  /** A timestamp column of the source's schema. */
  event_time_field: string;
  /** Bounded out-of-orderness: watermark = max event time seen − this. Default 1000. */
  watermark_delay_ms?: number;
  /** A source subtask that read nothing for this long stops holding the watermark back. Default 5000. */
  idle_timeout_ms?: number;
}

/** What a source does with a record it cannot decode (SQL `bad_data`): skip and count, or fail. */
export type BadDataPolicy = 'drop' | 'fail';

/** Arroyo's Nexmark generator (the Beam/Flink generator port). */
export interface NexmarkSourceConfig {
  /** Events per second for the whole job; 0 or absent: as fast as possible. */
  event_rate?: number;
  /** Total events (bounded). */
  count?: number;
  /** Run for this long, then end (bounded). */
  runtime_ms?: number;
  /** Generator seed; same seed and parameters → same events. */
  seed?: number;
  /**
   * Event time starts at the wall-clock time the source starts (instead of the fixed
   * 2024-01-01 origin), so a paced run's event times track real time: latency can be measured
   * as arrival time minus event time. Event times then differ between runs.
   */
  realtime?: boolean;
  /**
   * Only these columns (names of NEXMARK_SCHEMA, in its order): the planner's column pruning
   * (dataflow/prune.ts) sets it, and the generator then skips the strings nobody reads.
   */
  columns?: string[];
}

/** A bounded file of JSON lines (tests, examples): one record per line. */
export interface JsonFileSourceConfig {
  path: string;
  format: 'json';
  schema: Schema;
}

export type SourceSpec =
  | { type: 'impulse'; config: ImpulseSourceConfig }
  | { type: 'nexmark'; config: NexmarkSourceConfig }
  | { type: 'json_file'; config: JsonFileSourceConfig }
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
  /**
   * A SQL job: the query (Arroyo's dialect) the graph is compiled from; `sources`,
   * `transformations` and `sinks` are then empty.
   */
  query?: string;
  /**
   * TypeScript source of a module of user-defined functions (see src/sql/expr/udf.ts), shipped to
   * every worker with the job and loaded there without a compile step.
   */
  udfs?: string;
  /**
   * A preview job (seed 000): every sink is replaced by the preview sink, checkpoints come every
   * 24 h, and the controller stops it after its preview TTL (60 s by default).
   */
  preview?: boolean;
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

/** A time window in GROUP BY (Arroyo: tumble, hop, session). */
export type WindowSpec =
  | { kind: 'tumble'; size_ms: number }
  | { kind: 'hop'; slide_ms: number; size_ms: number }
  | { kind: 'session'; gap_ms: number };

export type JoinType = 'inner' | 'left' | 'right' | 'full';

export type OperatorSpec =
  | { kind: 'source'; source: SourceSpec; event_time?: EventTimeConfig; bad_data?: BadDataPolicy }
  | { kind: 'filter'; condition: string }
  | { kind: 'project'; expressions: string[] }
  /** Marks where rows are hash-partitioned; a no-op inside a chain. */
  | { kind: 'key_by'; keys: string[] }
  /**
   * Keyed, stateful: emits each changed group's new values after every batch. SQL's updating
   * GROUP BY sets `updating: true`: output gets an `_op` column (`append` for a new row, `retract`
   * before the replacement of an old one) and groups idle longer than `ttl_ms` are dropped.
   */
  | { kind: 'aggregate'; group_by: string[]; aggregates: string[]; updating?: boolean; ttl_ms?: number }
  /**
   * Keyed by group_by, stateful: one row per (window, group) once the watermark passes the window
   * end. Output columns: group_by, then `window_start`, `window_end` (timestamps), then aggregates
   * (`count(*)`, `count(DISTINCT x)`, sum, min, max, avg over columns of the input).
   * Rows whose window has already closed are late: dropped and counted.
   */
  | { kind: 'window_aggregate'; window: WindowSpec; time_column: string; group_by: string[]; aggregates: string[] }
  /**
   * Two inputs (input 0 = left, 1 = right; PhysicalEdge.input_index), keyed by the join keys.
   * With `window`, both sides are windowed alike on their `time_columns` and a window's matches
   * are emitted when the watermark passes its end (outer rows unmatched then). Without, an inner
   * join that keeps each side's rows for `ttl_ms` and emits matches as they arrive.
   * Output: the left columns then the right ones; `output_names` renames them (same order).
   */
  | {
      kind: 'join';
      join_type: JoinType;
      left_keys: string[];
      right_keys: string[];
      window?: WindowSpec;
      time_columns?: [string, string];
      ttl_ms?: number;
      output_names: string[];
    }
  /** Several inputs of one schema, passed on unchanged. */
  | { kind: 'union' }
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
  /** Input of the `to` node this edge feeds (0 unless `to` is a join's right side). */
  input_index?: number;
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
  /** Which input of the downstream task's first operator this edge feeds (a join's left = 0, right = 1). */
  input_index: number;
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
