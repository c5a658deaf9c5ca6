/**
 * terminal/: the portable bi-fente reader's firmware, pure (time from an
 * injected clock, I/O from drivers/ through actors).
 * @module
 */
export * from './billing/index.js';
export * from './machines/index.js';
export * from './ui/index.js';
export * from './firmware/index.js';
export * from './cards/index.js';
export * from './securing/index.js';
export * from './capture/index.js';
export * from './lots/index.js';
export * from './host/index.js';
export * from './statecharts/index.js';
