// `rivulet savepoints create|list|delete`: a job's savepoints over the request-reply API.

import { commandGroup, str } from './subcommands.js';

export const savepointsCommand = commandGroup({
  create: {
    usage: 'savepoints create <job_id> [--description D]',
    args: 1,
    options: { description: { type: 'string' } },
    request: ([id], v) => (c) => c.createSavepoint(id!, str(v, 'description')),
  },
  list: { usage: 'savepoints list <job_id>', args: 1, request: ([id]) => (c) => c.listSavepoints(id!) },
  delete: { usage: 'savepoints delete <job_id> <savepoint_id>', args: 2, request: ([id, sp]) => (c) => c.deleteSavepoint(id!, sp!) },
});
