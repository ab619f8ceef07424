// The `preview` sink: the core NATS sink aimed at the job's output subject (src/wire.ts), which
// the CLI and UI subscribe to for a live look at results. Same delivery caveats as the nats sink.

import { subjects } from '../../wire.js';
import { NatsSink } from './nats.js';

export function previewSink(): NatsSink {
  return new NatsSink((ctx) => subjects(ctx.prefix).output(ctx.jobId));
}
