// Client command groups (`jobs …`, `savepoints …`, `checkpoints …`): one table per group, each
// subcommand with its own options, so `jobs cancel --savepoint` (a flag) and `jobs restart
// --savepoint ID` (a value) can differ, and an option of another subcommand is a usage error.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RivuletClient } from '../api/client.js';
import { connectNats } from '../nats/connect.js';
import { DEFAULT_NATS_URL, natsUrlOf, prefixOf, UsageError } from './options.js';

export const common = { nats: { type: 'string' }, prefix: { type: 'string' } } as const;

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Subcommand {
  /** Shown in usage errors, e.g. `jobs stop <job_id> [--mode M]`. */
  usage: string;
  /** Number of positional arguments after the subcommand's name. */
  args: number;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Checks the arguments (before any connection, so a usage error stays one) and returns the call. */
  request(args: string[], values: OptionValues): (client: RivuletClient) => Promise<unknown>;
}

export async function withClient<T>(values: { nats?: string | undefined; prefix?: string | undefined }, fn: (c: RivuletClient) => Promise<T>): Promise<T> {
  const nc = await connectNats(natsUrlOf(values.nats) ?? DEFAULT_NATS_URL, 'rivulet-cli', { maxReconnectAttempts: 0 });
  try {
    return await fn(new RivuletClient(nc, prefixOf(values.prefix)));
  } finally {
    await nc.close();
  }
}

export const print = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);

/** `rivulet <group> <subcommand> [args] [options]`: runs the call and prints its reply as JSON. */
export function commandGroup(table: Record<string, Subcommand>): (argv: string[]) => Promise<void> {
  const usage = `usage: ${Object.values(table)
    .map((s) => `rivulet ${s.usage}`)
    .join('\n       ')}`;
  return async (argv) => {
    const [name, ...rest] = argv;
    const sub = name === undefined ? undefined : table[name];
    if (!sub) throw new UsageError(name === undefined ? usage : `unknown subcommand "${name}"\n${usage}`);
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...common, ...sub.options } });
    if (positionals.length !== sub.args) throw new UsageError(`usage: rivulet ${sub.usage}`);
    const v = values as OptionValues;
    const call = sub.request(positionals, v);
    print(await withClient({ nats: str(v, 'nats'), prefix: str(v, 'prefix') }, call));
  };
}

/** A string option's value (parseArgs typed it by the option's config). */
export function str(values: OptionValues, name: string): string | undefined {
  return values[name] as string | undefined;
}
