// The NATS plumbing itself: embedded server life cycle, connection errors, idempotent streams.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalError } from '../src/errors.js';
import { connectNats, parseNatsUrl } from '../src/nats/connect.js';
import { findNatsServer, startEmbeddedNats, type EmbeddedNats } from '../src/nats/server.js';
import { deleteStreamIfExists, ensureStream } from '../src/nats/streams.js';
import { uniqueName, useTestNats } from './helpers/nats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// scripts/setup.mjs lets a machine without nats-server run the suite against NATS_URL; only
// there are the embedded-server tests skipped.
const noBinary = findNatsServer() === null && Boolean(process.env.NATS_URL);
const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rivulet-infra-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

/** Alive and not a zombie (an orphan may sit unreaped where no init process reaps). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: kill(0) is all we know
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

describe.skipIf(noBinary)('embedded nats-server', () => {
  let server: EmbeddedNats;
  let stateDir: string;
  let nc: NatsConnection;

  beforeAll(async () => {
    stateDir = tmpDir();
    server = await startEmbeddedNats({ stateDir });
    nc = await connectNats(server.url, 'infra-test');
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('finds the installed binary', () => {
    const bin = findNatsServer();
    expect(bin).not.toBeNull();
    expect(path.basename(bin!)).toBe('nats-server');
  });

  it('listens on a random local port with JetStream enabled and stores under the state dir', async () => {
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(server.port).not.toBe(4222);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    expect(info.limits).toBeDefined();
    await ensureStream(jsm, { name: 'INFRA_STORE', subjects: ['infra.store'], storage: 'file' });
    expect(existsSync(path.join(stateDir, 'jetstream'))).toBe(true);
  });

  it('accepts and delivers a 1 MiB message (max_payload raised from the 1 MB default)', async () => {
    expect(nc.info?.max_payload).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    const payload = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const sub = nc.subscribe('infra.big', { max: 1 });
    const received = (async () => {
      for await (const m of sub) return m.data;
      return null;
    })();
    nc.publish('infra.big', payload);
    const data = await received;
    expect(data?.length).toBe(payload.length);
    expect(Buffer.compare(Buffer.from(data!), Buffer.from(payload))).toBe(0);
  });

  it('stop() ends the process', async () => {
    const other = await startEmbeddedNats({ stateDir: tmpDir() });
    const pid = other.process.pid!;
    expect(isAlive(pid)).toBe(true);
    await other.stop();
    expect(other.process.exitCode !== null || other.process.signalCode !== null).toBe(true);
    expect(isAlive(pid)).toBe(false);
    await other.stop(); // idempotent
    await expect(connectNats(other.url, 'after-stop', { timeout: 1_000 })).rejects.toThrow(ExternalError);
  });

  it('says how to install nats-server when the binary is missing', async () => {
    const err = await startEmbeddedNats({ stateDir: tmpDir(), binary: '/nonexistent/nats-server' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).retryable).toBe(false);
    expect((err as Error).message).toContain('apt-get install -y nats-server');
    expect((err as Error).message).toContain('--nats');
    expect((err as Error).message).toContain('RIVULET_NATS_URL');
  });

  it('reports a server that dies on start with its own output', async () => {
    const dir = tmpDir();
    const badConf = path.join(dir, 'bad.conf');
    writeFileSync(badConf, 'jetstream { store_dir: "/x" }\n'); // store_dir clashes with -sd
    const err = await startEmbeddedNats({ stateDir: dir, configPath: badConf }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as Error).message).toMatch(/exited before it was ready/);
    expect((err as Error).message).toMatch(/Duplicate 'store_dir'/);
  });
});

describe.skipIf(noBinary)('embedded nats-server does not outlive its parent', () => {
  // Runs the built module in a separate Node process (npm test builds dist/ first).
  const built = path.join(ROOT, 'dist/src/nats/server.js');

  async function parentWithServer(ending: 'sigterm' | 'exit'): Promise<number> {
    expect(existsSync(built), 'dist/ is missing: run `npm run build` (npm test does)').toBe(true);
    const script = `
      import { startEmbeddedNats } from ${JSON.stringify(new URL(`file://${built}`).href)};
      const s = await startEmbeddedNats({ stateDir: ${JSON.stringify(tmpDir())} });
      console.log(JSON.stringify({ pid: s.process.pid }));
      setInterval(() => {}, 1000);
      process.stdin.on('data', () => process.exit(0));
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { pid: number }).pid));
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code})`)));
    });
    expect(isAlive(pid)).toBe(true);
    const exited = new Promise((r) => parent.once('exit', r));
    if (ending === 'sigterm') parent.kill('SIGTERM');
    else parent.stdin.write('bye\n');
    await exited;
    return pid;
  }

  /** Waits for the orphan to die; kills it itself if it does not, so a failure leaves no stray. */
  async function diesOnItsOwn(pid: number): Promise<boolean> {
    const died = await waitUntil(() => !isAlive(pid), 10_000);
    if (!died) process.kill(pid, 'SIGKILL');
    return died;
  }

  it('kills the server when the parent gets SIGTERM', async () => {
    expect(await diesOnItsOwn(await parentWithServer('sigterm'))).toBe(true);
  });

  it('kills the server when the parent calls process.exit()', async () => {
    expect(await diesOnItsOwn(await parentWithServer('exit'))).toBe(true);
  });
});

describe('connectNats', () => {
  it('names the URL when the first connection fails', async () => {
    // A port nothing listens on: bind one, note it, close it.
    const port = Number(execFileSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"]).toString());
    const url = `nats://127.0.0.1:${port}`;
    const err = await connectNats(url, 'nobody-home').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExternalError);
    expect((err as ExternalError).retryable).toBe(true);
    expect((err as Error).message).toContain(url);
  });

  it('moves URL credentials into options and keeps server lists', () => {
    expect(parseNatsUrl('nats://a:1,nats://b:2')).toEqual({ servers: ['nats://a:1', 'nats://b:2'], auth: {} });
    expect(parseNatsUrl('nats://u:p%40ss@h:4222')).toEqual({ servers: ['nats://h:4222'], auth: { user: 'u', pass: 'p@ss' } });
    expect(parseNatsUrl('nats://tok@h:4222')).toEqual({ servers: ['nats://h:4222'], auth: { token: 'tok' } });
  });
});

describe('ensureStream / deleteStreamIfExists', () => {
  const t = useTestNats('streams');

  it('creates once, tolerates concurrent creators, updates a changed limit, deletes', async () => {
    const name = uniqueName('ENSURE');
    const config = { name, subjects: [`${name}.>`], storage: 'memory' as const, max_msgs: 100 };
    const infos = await Promise.all([1, 2, 3, 4, 5].map(() => ensureStream(t.jsm, config)));
    for (const info of infos) expect(info.config.max_msgs).toBe(100);
    const created = infos[0]!.created;

    const same = await ensureStream(t.jsm, config);
    expect(same.created).toBe(created);

    const updated = await ensureStream(t.jsm, { ...config, max_msgs: 200 });
    expect(updated.config.max_msgs).toBe(200);
    expect(updated.created).toBe(created);

    await expect(ensureStream(t.jsm, { ...config, storage: 'file' })).rejects.toMatchObject({
      retryable: false,
      message: expect.stringContaining('storage'),
    });

    expect(await deleteStreamIfExists(t.jsm, name)).toBe(true);
    expect(await deleteStreamIfExists(t.jsm, name)).toBe(false);
  });

  it('settles a creation race between different configs', async () => {
    const name = uniqueName('RACE');
    const base = { name, subjects: [`${name}.>`], storage: 'memory' as const };
    const [a, b] = await Promise.all([
      ensureStream(t.jsm, { ...base, max_msgs: 10 }),
      ensureStream(t.jsm, { ...base, max_msgs: 20 }),
    ]);
    expect([a.config.max_msgs, b.config.max_msgs].sort()).toEqual([10, 20]);
    const final = await t.jsm.streams.info(name);
    expect([10, 20]).toContain(final.config.max_msgs);
    await deleteStreamIfExists(t.jsm, name);
  });
});
