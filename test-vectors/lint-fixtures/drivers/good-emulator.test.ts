import { x } from '../emulator/index.js';
import { z } from '../protocol/index.js';
export const y = [x, z];
