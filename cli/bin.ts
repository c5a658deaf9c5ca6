#!/usr/bin/env -S node --import=tsx
/**
 * Entry point of the `bifente` command: binds the commands to the process.
 * @module
 */
import { main } from './main.js';
import { COMMANDS } from './commands/index.js';

const io = {
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
};

process.exitCode = await main(process.argv.slice(2), COMMANDS, io);
