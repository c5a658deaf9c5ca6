import { x } from '../protocol/index.js';
export const y = x;
