// Finding processes by command line (Linux /proc), for tests that check nothing is left running.

import { readdirSync, readFileSync } from 'node:fs';

/** Processes whose command line mentions `needle` (e.g. a unique prefix given to workers). */
export function processesWith(needle: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle)) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
