// `window_aggregate`: GROUP BY over tumble, hop or session windows on an event-time column, one
// row per (window, key) once the watermark completes the window. See fixed.ts (tumble, hop),
// session.ts, schema.ts (output schema) and snapshot.ts (checkpointed form).

import type { Schema } from '../../types.js';
import type { OperatorContext } from '../types.js';
import type { WindowOperatorBase } from './base.js';
import { FixedWindowAggregate } from './fixed.js';
import type { WindowAggregateSpec } from './schema.js';
import { SessionWindowAggregate } from './session.js';

export { compileWindowAggregate, WINDOW_END, WINDOW_START, windowAggregateSchema, windowProblems, type WindowAggregateSpec } from './schema.js';

/** Throws ValidationError when the spec does not fit the input schema (see windowAggregateSchema). */
export function windowAggregateOperator(spec: WindowAggregateSpec, input: Schema, ctx: OperatorContext): WindowOperatorBase {
  return spec.window.kind === 'session' ? new SessionWindowAggregate(spec, input, ctx) : new FixedWindowAggregate(spec, input, ctx);
}
