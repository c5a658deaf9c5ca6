import { x } from '../../drivers/index.js';
export const y = x;
