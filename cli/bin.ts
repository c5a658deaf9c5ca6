#!/usr/bin/env -S node --import=tsx
/**
 * Entry point of the `bifente` command: binds the commands to the process.
 * @module
 */
import { main } from './main.js';
import { COMMANDS } from './commands/index.js';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());

const io = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
  signal: stop.signal,
};

process.exitCode = await main(process.argv.slice(2), COMMANDS, io);
