// The `rivulet` command line as a user runs it: real processes, real NATS, exit codes.

import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../src/paths.js';
import { getTestNatsUrl, uniqueName } from './helpers/nats.js';
import { processesWith } from './helpers/processes.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStdout` may send signals to it. */
function rivulet(args: string[], onStdout?: (text: string, kill: (sig: NodeJS.Signals) => void) => void): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env: { ...process.env, RIVULET_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout, (sig) => child.kill(sig));
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function specFile(name: string, spec: unknown): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}


describe('rivulet run', () => {
  it('runs a bounded job to Finished, prints its output and exits 0', async () => {
    const prefix = uniqueName('cli');
    const file = specFile('bounded', {
      name: 'bounded',
      sources: [{ type: 'impulse', config: { count: 20 } }],
      transformations: [{ type: 'project', config: { expressions: ['counter', 'counter * counter AS sq'] } }],
      sinks: [{ type: 'preview', config: {} }],
    });
    const ran = await rivulet(['run', file, '--nats', getTestNatsUrl(), '--prefix', prefix, '--workers', '1', '-s', path.join(dir, 'state1')]);
    expect(ran.code).toBe(0);
    const rows = ran.stdout.trim().split('\n').map((l) => JSON.parse(l) as { counter: number; sq: number });
    expect(rows.map((r) => r.counter).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(rows.every((r) => r.sq === r.counter * r.counter)).toBe(true);
    expect(ran.stderr).toContain('job Finished');
  });

  it('Ctrl-C cancels the job and leaves no worker process behind', async () => {
    const prefix = uniqueName('cli');
    const file = specFile('endless', {
      name: 'endless',
      sources: [{ type: 'impulse', config: { event_rate: 100 } }],
      transformations: [],
      sinks: [{ type: 'preview', config: {} }],
    });
    let sent = false;
    const ran = await rivulet(['run', file, '--nats', getTestNatsUrl(), '--prefix', prefix, '--workers', '2', '-s', path.join(dir, 'state2')], (out, kill) => {
      if (!sent && out.split('\n').length > 5) {
        sent = true;
        kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(ran.code).toBe(0);
    expect(ran.stderr).toContain('cancelling');
    expect(processesWith(prefix)).toEqual([]);
  });
});

describe('rivulet client commands', () => {
  it('submit with a bad spec exits 1 and names the field', async () => {
    const file = specFile('bad', { name: 'bad', sources: [{ type: 'kafka', config: {} }], sinks: [{ type: 'blackhole' }] });
    // The API is served by a controller on the prefix: `rivulet server --nats` starts one.
    const prefix = uniqueName('cli');
    const server = spawn(process.execPath, [CLI_ENTRY, 'server', '--nats', getTestNatsUrl(), '--prefix', prefix, '--workers', '1'], {
      env: { ...process.env, RIVULET_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    try {
      let ran: Ran | null = null;
      // The server needs a moment to register its API; retry while NATS has no responder.
      for (let i = 0; i < 100; i++) {
        ran = await rivulet(['submit', file, '--nats', getTestNatsUrl(), '--prefix', prefix]);
        if (!ran.stderr.includes('503') && !ran.stderr.includes('no responders')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(ran!.code).toBe(1);
      expect(ran!.stderr).toContain('error 400');
      expect(ran!.stderr).toContain('sources[0].type');
      const missing = await rivulet(['jobs', 'get', 'job-missing', '--nats', getTestNatsUrl(), '--prefix', prefix]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('error 404');
      const listed = await rivulet(['jobs', 'list', '--nats', getTestNatsUrl(), '--prefix', prefix]);
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject({ jobs: [], total: 0 });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    expect(processesWith(prefix)).toEqual([]);
  });

  it('an unknown command or missing spec file exits 2 with usage', async () => {
    expect((await rivulet(['frobnicate'])).code).toBe(2);
    const noFile = await rivulet(['submit', path.join(dir, 'nope.json')]);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('cannot read');
  });
});
