import { x } from '../cli/index.js';
export const y = x;
