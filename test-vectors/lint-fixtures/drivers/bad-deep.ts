import { x } from '../protocol/apdu/command.js';
export const y = x;
