// `rivulet checkpoints list|get`: a job's checkpoint history and one checkpoint's per-operator
// details over the request-reply API.

import { UsageError } from './options.js';
import { commandGroup } from './subcommands.js';

function epochOf(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`epoch must be a positive integer, got "${value}"`);
  return n;
}

export const checkpointsCommand = commandGroup({
  list: { usage: 'checkpoints list <job_id>', args: 1, request: ([id]) => (c) => c.listCheckpoints(id!) },
  get: {
    usage: 'checkpoints get <job_id> <epoch>',
    args: 2,
    request: ([id, epoch]) => {
      const n = epochOf(epoch!);
      return (c) => c.checkpointDetails(id!, n);
    },
  },
});
