#!/usr/bin/env node
// Gets a fresh clone (or a stale checkout) ready to run: dependencies, nats-server, a build.
// Plain Node with no dependencies, because it runs before node_modules exists. Idempotent and
// quiet when there is nothing to do; `npm run demo|test|bench` call it first.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIN_NODE = [20, 19];
/** Written after a successful build; sources newer than it mean "build again". */
const BUILD_STAMP = path.join(ROOT, 'dist', '.build-stamp');
/** What tsconfig.json compiles, plus the files that change how it compiles. */
const SOURCE_DIRS = ['src', 'actors', 'machines', 'test', 'scripts'];
const SOURCE_FILES = ['tsconfig.json', 'package.json', 'package-lock.json'];

function say(msg) {
  console.error(`[setup] ${msg}`);
}

function fail(msg) {
  console.error(`[setup] ERROR: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    fail(`Node ${MIN_NODE.join('.')} or newer is required (this is ${process.versions.node}). Install a current Node LTS, e.g. from https://nodejs.org/ or with nvm.`);
  }
}

function ensureDependencies() {
  const lock = path.join(ROOT, 'package-lock.json');
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  // npm writes both lock files in one go, the hidden one last; allow for clock granularity.
  const stale = !existsSync(installed) || (existsSync(lock) && mtime(lock) > mtime(installed) + 1000);
  if (!stale) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  say('installing dependencies (npm ci)');
  if (existsSync(lock)) {
    // Output kept back: npm 11 may refuse a valid lock file over optional platform packages
    // (npm/cli#9846), and npm install below then does the job.
    const ci = run(npm, ['ci', '--no-audit', '--no-fund'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (ci.status === 0) return;
    const lines = `${ci.stderr ?? ''}`.split('\n');
    const why = lines.find((l) => l.includes('Missing:')) ?? lines.find((l) => /error/i.test(l)) ?? ci.error?.message ?? 'unknown error';
    say(`npm ci failed (${why.replace(/^npm error\s*/, '').trim()}); trying npm install`);
  }
  const r = run(npm, ['install', '--no-audit', '--no-fund']);
  if (r.error) fail(`cannot run npm: ${r.error.message}`);
  if (r.status !== 0) fail('npm install failed (see its output above).');
}

// Same search as src/nats/server.ts findNatsServer(), which cannot be imported before the build.
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function findNatsServer() {
  return findOnPath('nats-server', ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin']);
}

function ensureNatsServer() {
  if (findNatsServer() !== null) return;
  const aptGet = findOnPath('apt-get', ['/usr/bin', '/usr/sbin']);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && aptGet !== null) {
    say('installing nats-server (apt-get)');
    // CI has no terminal: never prompt.
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', 'nats-server']]) {
      const r = spawnSync(aptGet, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) {
        process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
        fail(`apt-get ${args.join(' ')} failed${r.error ? `: ${r.error.message}` : ''} (output above).`);
      }
    }
    if (findNatsServer() !== null) return;
    fail('apt-get installed nats-server, but no nats-server executable was found on PATH or in /usr/sbin.');
  }
  const how =
    aptGet !== null
      ? 'Install it with `sudo apt-get update && sudo apt-get install -y nats-server` (or run `npm run setup` as root).'
      : 'Install it from https://docs.nats.io/running-a-nats-service/introduction/installation (e.g. `brew install nats-server`).';
  if (process.env.NATS_URL || process.env.RIVULET_NATS_URL) {
    say(`nats-server is not installed; using ${process.env.NATS_URL ? 'NATS_URL' : 'RIVULET_NATS_URL'} instead. ${how}`);
    return;
  }
  fail(`nats-server was not found on PATH or in /usr/sbin, /usr/local/sbin, /usr/local/bin. ${how} Or point Rivulet at a running server with --nats <url> / RIVULET_NATS_URL.`);
}

function newestSource() {
  let newest = Math.max(...SOURCE_FILES.map((f) => mtime(path.join(ROOT, f))));
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') || e.name.endsWith('.json')) newest = Math.max(newest, mtime(full));
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(ROOT, d));
  return newest;
}

function ensureBuild() {
  if (mtime(BUILD_STAMP) > newestSource()) return;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) fail('node_modules/typescript is missing; delete node_modules and run `npm run setup` again.');
  say('building (tsc)');
  const r = run(process.execPath, [tsc, '-p', '.']);
  if (r.error) fail(`cannot run tsc: ${r.error.message}`);
  if (r.status !== 0) fail('the TypeScript build failed (errors above).');
  writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
}

checkNode();
ensureDependencies();
ensureNatsServer();
ensureBuild();
