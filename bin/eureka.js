#!/usr/bin/env node
// The `eureka` command: runs the compiled CLI (npm's postinstall and `npm run build:node`
// compile it into out/node).
import { existsSync } from 'node:fs';

const entry = new URL('../out/node/src-main/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('eureka: not built yet: run npm run build:node (npm ci does it for you)\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));
