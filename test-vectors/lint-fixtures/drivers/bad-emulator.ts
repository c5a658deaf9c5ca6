import { x } from '../emulator/index.js';
export const y = x;
