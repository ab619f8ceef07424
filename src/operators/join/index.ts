// The `join` operator: a windowed join (tumble/hop, any join type) when the spec has a window,
// else the inner join whose sides keep rows for ttl_ms. Both are keyed by the join keys, their
// state split by key group like the aggregate's.

import type { Schema } from '../../types.js';
import type { BatchOperator, OperatorContext } from '../types.js';
import { type JoinSpecFields } from './schema.js';
import { TtlJoin, type TtlJoinOptions } from './ttl.js';
import { WindowedJoin } from './windowed.js';

export { joinOutputSchema, type JoinSpec, type JoinSpecFields } from './schema.js';
export { DEFAULT_JOIN_TTL_MS, TtlJoin, type TtlJoinOptions } from './ttl.js';
export { WindowedJoin } from './windowed.js';

/** `left`/`right`: the schemas arriving on input 0 and input 1. */
export function joinOperator(spec: JoinSpecFields, left: Schema, right: Schema, ctx: OperatorContext, options: TtlJoinOptions = {}): BatchOperator {
  return spec.window ? new WindowedJoin(spec, left, right, ctx) : new TtlJoin(spec, left, right, ctx, options);
}
