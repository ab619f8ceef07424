// The `rivulet` command line.

import { ApiError } from '../api/client.js';
import { RivuletError } from '../errors.js';
import { checkpointsCommand } from './checkpoints.js';
import { demoCommand } from './demo.js';
import { jobsCommand, submitCommand, tailCommand } from './jobs.js';
import { UsageError } from './options.js';
import { controllerCommand, serverCommand, workerCommand } from './processes.js';
import { CommandFailed } from './run-sql.js';
import { runCommand } from './run.js';
import { savepointsCommand } from './savepoints.js';

const USAGE = `usage: rivulet <command> [options]

  server [--nats URL] [--workers N] [--slots N] [--state-dir DIR] [--prefix P] [--max-running-jobs N]
         [--http-port N|off] [--http-host H]
                              controller + N worker processes (+ embedded nats-server unless --nats)
  controller --nats URL [--max-running-jobs N] [--http-port N|off] [--http-host H]
                              the controller alone (cluster mode); default limit 64 live jobs;
                              HTTP API on 127.0.0.1:8000 (bearer token: RIVULET_API_TOKEN)
  worker --nats URL [--slots N]
                              one worker process (cluster mode)
  submit spec.json            submit a job spec (seed-001 JSON)
  jobs list [--status S] [--limit N] [--offset N | --starting-after JOB_ID]
  jobs get <job_id>
  jobs output <job_id>        where the job's output is published
  jobs stop <job_id> [--mode checkpoint|graceful|immediate|force]
                              stop (default checkpoint: final checkpoint, resumable)
  jobs resume <job_id>        run a stopped job again from its last checkpoint
  jobs cancel <job_id> [--savepoint]
                              stop for good (optionally taking a savepoint first)
  jobs restart <job_id> [--savepoint SAVEPOINT_ID] [--parallelism N]
                              from the latest checkpoint, or a savepoint, maybe rescaled
  savepoints create <job_id> [--description D]
  savepoints list <job_id>
  savepoints delete <job_id> <savepoint_id>
  checkpoints list <job_id>
  checkpoints get <job_id> <epoch>
                              one checkpoint's per-operator, per-subtask details
  tail <job_id> [--subject S] print a job's preview output
  run [-n NAME] [-p PARALLELISM] [-s STATE_DIR] [-f|--force] [--udfs FILE.ts] [query.sql]
                              a SQL pipeline (query from stdin without a file) on an embedded
                              stack with its state in STATE_DIR (default ./.rivulet-run): resumes
                              the same query from its last checkpoint, refuses another one
                              unless --force; a bare SELECT prints to stdout; Ctrl-C stops it
                              with a final checkpoint (with --nats, the state is the
                              prefix's jobs on that NATS)
  run spec.json [-s DIR]      embedded stack + this job spec, output printed; Ctrl-C cancels
  demo [--seconds N]          run the fraud example for a few seconds

NATS: --nats URL or RIVULET_NATS_URL (default nats://127.0.0.1:4222 for client commands).
Client commands print the reply as JSON; an API error exits 1, a usage error 2.`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  server: serverCommand,
  controller: controllerCommand,
  worker: workerCommand,
  submit: submitCommand,
  jobs: jobsCommand,
  savepoints: savepointsCommand,
  checkpoints: checkpointsCommand,
  tail: tailCommand,
  run: runCommand,
  demo: demoCommand,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return cmd ? 0 : 2;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    process.stderr.write(`unknown command "${cmd}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    await run(rest);
    return 0;
  } catch (err) {
    // node:util parseArgs: unknown option, missing option value, unexpected positional.
    if (err instanceof UsageError || String((err as { code?: string }).code).startsWith('ERR_PARSE_ARGS_')) {
      process.stderr.write(`${(err as Error).message}\n`);
      return 2;
    }
    if (err instanceof CommandFailed) {
      if (err.message) process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ApiError) {
      process.stderr.write(`error ${err.code}: ${err.message}\n`);
      if (err.details) process.stderr.write(`${JSON.stringify(err.details, null, 2)}\n`);
      return 1;
    }
    if (err instanceof RivuletError) {
      process.stderr.write(`${err.name}: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Commands return after their own shutdown; a lingering handle must not keep us alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 500).unref();
  },
  (err) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
