/**
 * drivers/: one reader interface over every card transport, and the link
 * transports between the terminal and the PC. Native modules load lazily
 * inside their own folder.
 * @module
 */
export { DriverError, isDriverError, type DriverErrorCode } from './core/errors.js';
export type {
  CardProtocol,
  Disposition,
  OpenOptions,
  ReaderDescriptor,
  ReaderPort,
  ReaderTransport,
  ShareMode,
  TransmitOptions,
  TransportEvent,
} from './core/transport.js';
export type { LinkPort, LinkPortEvent } from './core/link-port.js';
export { untilCardPresence } from './core/presence.js';
export * from './pkcs11/index.js';
export * from './session/index.js';
export * from './in-process/index.js';
export * from './ccid/index.js';
export * from './pcsc/index.js';
export * from './serial/index.js';
export * from './hid/index.js';
export * from './link/index.js';
export * from './store/index.js';
