#!/usr/bin/env node
// The `rivulet` command: runs the compiled CLI (dist/src/cli/main.js runs on import).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('rivulet: the compiled CLI is missing (dist/src/cli/main.js); run `npm run build` first (or `npm run setup`).');
  process.exit(1);
}
await import(main.href);
