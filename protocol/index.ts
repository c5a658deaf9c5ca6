/**
 * `protocol/`: every wire and data format of bifente, pure and byte-exact.
 *
 * Every parser takes bytes and returns a {@link ParseResult}; none throws on
 * input. Every encoder is the exact inverse of its parser. This folder
 * imports nothing else of the project.
 * @module protocol
 */
export * from './result.js';
export * from './bytes.js';
export * from './apdu/index.js';
export * from './atr/index.js';
export * from './t0/index.js';
export * from './t1/index.js';
export * from './ccid/index.js';
export * from './vpcd/index.js';
export * from './tlv/index.js';
export * from './nir/index.js';
export * from './link/index.js';
export * from './fse/index.js';
export * from './rng.js';
export * from './b2/index.js';
export * from './teleservice/index.js';
