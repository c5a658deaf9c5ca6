/**
 * Every `bifente` command, in the order `bifente --help` lists them.
 * @module
 */
import type { Command } from '../command.js';
import { apduCommand } from './apdu.js';

/** The commands of `bifente`. */
export const COMMANDS: readonly Command[] = [apduCommand];
