// Finds and runs a local nats-server as a child process: the embedded broker behind `rivulet demo`
// and the test suite when no NATS URL is given.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ExternalError } from '../errors.js';

/** Checked after PATH: Debian installs to /usr/sbin, which is not on a normal user's PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
const DEFAULT_START_TIMEOUT_MS = 15_000;
/** How long stop() waits after SIGTERM before SIGKILL; JetStream flushes its stores on SIGTERM. */
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_LINES = 30;

export interface EmbeddedNatsOptions {
  /** Directory for the server's state; JetStream data goes to `<stateDir>/jetstream`. */
  stateDir: string;
  /** Client port; -1 (the default) lets the server pick a free one. */
  port?: number;
  /** Defaults to `<package root>/nats.conf`. */
  configPath?: string;
  log?: Logger;
  /** nats-server executable; defaults to findNatsServer(). */
  binary?: string;
  startTimeoutMs?: number;
}

export interface EmbeddedNats {
  /** Client URL, e.g. `nats://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited. */
  stop(): Promise<void>;
  /** The child; unref'd, so it does not keep this process alive (call `.ref()` to change that). */
  process: ChildProcess;
}

export function findNatsServer(): string | null {
  const pathDirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const dir of [...pathDirs, ...EXTRA_DIRS]) {
    const candidate = path.join(dir, 'nats-server');
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function natsServerMissingError(detail = ''): ExternalError {
  return new ExternalError(
    `nats-server was not found${detail}. Install it (Debian/Ubuntu: \`apt-get update && apt-get install -y nats-server\`, ` +
      'which `npm run setup` does when run as root; other systems: https://docs.nats.io/running-a-nats-service/introduction/installation), ' +
      'or use a running server by passing --nats <url> or setting RIVULET_NATS_URL.',
    { retryable: false },
  );
}

/** Starts nats-server and resolves once it accepts clients. */
export async function startEmbeddedNats(opts: EmbeddedNatsOptions): Promise<EmbeddedNats> {
  const binary = opts.binary ?? findNatsServer();
  if (binary === null) throw natsServerMissingError(` on PATH or in ${EXTRA_DIRS.join(', ')}`);
  if (!isExecutableFile(binary)) throw natsServerMissingError(` at ${binary}`);
  const configPath = opts.configPath ?? path.join(packageRoot(), 'nats.conf');
  if (!existsSync(configPath)) {
    throw new ExternalError(`nats-server configuration ${configPath} does not exist`, { retryable: false });
  }

  const stateDir = path.resolve(opts.stateDir);
  const portsDir = path.join(stateDir, 'ports');
  mkdirSync(portsDir, { recursive: true });
  const args = ['-c', configPath, '-p', String(opts.port ?? -1), '-sd', stateDir, '--ports_file_dir', portsDir];

  // Own process group: a terminal's Ctrl-C must not kill the broker before the app has drained.
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const stderrTail: string[] = [];
  watchStderr(child, stderrTail, opts.log);
  child.unref();
  liveChildren.add(child);
  installHooks();
  const forget = () => {
    liveChildren.delete(child);
    if (liveChildren.size === 0) removeHooks();
  };
  child.once('exit', forget);
  child.once('error', () => {
    if (child.pid === undefined) forget(); // never started, so no 'exit' will come
  });

  let url: string;
  try {
    url = await waitForPortsFile(child, portsDir, opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, stderrTail);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  const port = Number(new URL(url).port);
  opts.log?.info({ url, pid: child.pid, stateDir }, 'embedded nats-server started');
  return { url, port, process: child, stop: () => stopChild(child) };
}

function waitForPortsFile(child: ChildProcess, portsDir: string, timeoutMs: number, tail: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const fail = (why: string, cause?: unknown) => {
      cleanup();
      const log = tail.length > 0 ? `\nnats-server output (last lines):\n${tail.join('\n')}` : '';
      reject(new ExternalError(`nats-server ${why}${log}`, { retryable: false, cause }));
    };
    const check = () => {
      const url = readPortsFile(portsDir, child.pid);
      if (url !== null) {
        cleanup();
        resolve(url);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before it was ready (${signal ?? `exit code ${code}`})`);
    const onError = (err: Error) => fail(`could not be started: ${err.message}`, err);
    const poll = setInterval(check, 20);
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearInterval(poll);
      clearTimeout(timer);
      child.off('close', onExit);
      child.off('error', onError);
    };
    // 'close' rather than 'exit': by then stderr is fully read, so the tail holds the reason.
    child.once('close', onExit);
    child.once('error', onError);
  });
}

/** The server writes `<exe>_<pid>.ports` (JSON with client URLs) once its listeners are up. */
function readPortsFile(portsDir: string, pid: number | undefined): string | null {
  if (pid === undefined) return null;
  const name = readdirSync(portsDir).find((f) => f.endsWith(`_${pid}.ports`));
  if (name === undefined) return null;
  try {
    const ports = JSON.parse(readFileSync(path.join(portsDir, name), 'utf8')) as { nats?: string[] };
    return ports.nats?.[0] ?? null;
  } catch {
    return null; // written but not complete yet: try again on the next poll
  }
}

function watchStderr(child: ChildProcess, tail: string[], log: Logger | undefined): void {
  const stream = child.stderr;
  if (stream === null) return;
  stream.setEncoding('utf8');
  let partial = '';
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      tail.push(line);
      if (tail.length > STDERR_TAIL_LINES) tail.shift();
      if (log === undefined) continue;
      if (line.includes('[ERR]') || line.includes('[FTL]')) log.error({ nats: line }, 'nats-server');
      else if (line.includes('[WRN]')) log.warn({ nats: line }, 'nats-server');
      else log.debug({ nats: line }, 'nats-server');
    }
  });
  // The pipe must not keep the parent alive any more than the child does.
  (stream as unknown as { unref?: () => void }).unref?.();
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), grace]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// The child must not outlive this process. One set of hooks serves every live child.

const liveChildren = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
let hooksInstalled = false;

function killAllNow(): void {
  for (const child of liveChildren) if (!hasExited(child)) child.kill('SIGTERM');
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (e.g. a graceful shutdown that will call stop()); the 'exit'
  // hook still catches a process.exit() that forgets to.
  if (process.listenerCount(signal) > 1) return;
  killAllNow();
  removeHooks();
  // With our listener gone, re-raising gives the default behaviour: terminate.
  process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function removeHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', killAllNow);
  for (const s of SIGNALS) process.off(s, onSignal);
}

// ---------------------------------------------------------------------------------------------

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Nearest directory above this file with a package.json: works from src/ and from dist/src/. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new ExternalError('cannot find the Rivulet package root (no package.json above ' + import.meta.url + ')', { retryable: false });
    dir = parent;
  }
  return dir;
}
