// `rivulet run`: a pipeline on an embedded stack. A `.json` argument is a job spec (seed 001's
// form: output printed, Ctrl-C cancels); anything else is a SQL query, from the file or stdin
// (seed 002: resumable, Ctrl-C stops with a final checkpoint). See run-sql.ts and run-spec.ts.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { MAX_PARALLELISM } from '../api/requests.js';
import { intOption, natsUrlOf, prefixOf, UsageError } from './options.js';
import { runSpecFile } from './run-spec.js';
import { runSql } from './run-sql.js';

/** Seed 002's defaults: the pipeline is called "query"; its state lives in the working directory. */
export const DEFAULT_RUN_NAME = 'query';
export const DEFAULT_RUN_STATE_DIR = '.rivulet-run';
/** The JSON-spec form keeps the state directory it always had. */
const DEFAULT_SPEC_STATE_DIR = '.rivulet';

export async function runCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nats: { type: 'string' },
      prefix: { type: 'string' },
      workers: { type: 'string' },
      'state-dir': { type: 'string', short: 's' },
      name: { type: 'string', short: 'n' },
      parallelism: { type: 'string', short: 'p' },
      force: { type: 'boolean', short: 'f' },
      udfs: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`run takes one file (query.sql or spec.json), got ${positionals.length}`);
  const file = positionals[0];
  const parallelism = intOption(values.parallelism, 'parallelism', 1, MAX_PARALLELISM);
  const stack = {
    natsUrl: natsUrlOf(values.nats),
    prefix: prefixOf(values.prefix),
    // One worker process per subtask of a task, as far as the cores go.
    workers: intOption(values.workers, 'workers', 1, 256) ?? Math.max(1, Math.min(parallelism ?? 2, availableParallelism())),
  };
  if (file?.endsWith('.json')) {
    for (const flag of ['name', 'parallelism', 'force', 'udfs'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for SQL queries; a job spec carries its own settings`);
    }
    return runSpecFile(file, { ...stack, stateDir: values['state-dir'] ?? DEFAULT_SPEC_STATE_DIR });
  }
  const name = values.name ?? DEFAULT_RUN_NAME;
  return runSql({
    ...stack,
    stateDir: values['state-dir'] ?? DEFAULT_RUN_STATE_DIR,
    name,
    parallelism: parallelism ?? 1,
    force: values.force === true,
    queryFile: file,
    udfsFile: values.udfs,
  });
}
