/**
 * Every `bifente` command, in the order `bifente --help` lists them.
 * @module
 */
import type { Command } from '../command.js';
import { apduCommand } from './apdu.js';
import { atrCommand } from './atr.js';
import { cardCommand } from './card.js';
import { dayCommand } from './day.js';
import { demoCommand } from './demo.js';
import { hostCommand } from './host.js';
import { nirCommand } from './nir.js';
import { rightsCommand } from './rights.js';
import { teleserviceCommand } from './teleservice.js';
import { terminalCommand } from './terminal.js';
import { tlvCommand } from './tlv.js';

/** The commands of `bifente`. */
export const COMMANDS: readonly Command[] = [dayCommand, demoCommand, atrCommand, apduCommand, tlvCommand, nirCommand, cardCommand, terminalCommand, teleserviceCommand, hostCommand, rightsCommand];
