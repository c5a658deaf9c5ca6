/**
 * The part of the `pcsclite` npm module (1.0.1, santigimeno/node-pcsclite)
 * this driver uses, typed from its `lib/pcsclite.js` and `src/cardreader.cpp`,
 * and its lazy loader. The module is an optionalDependency built against
 * Debian's libpcsclite-dev; it is imported on first use only, so that
 * `npm start` never needs it.
 * @module
 */
import { DriverError } from '../core/errors.js';

/** A reader's state as `SCardGetStatusChange` reports it (the ATR of a present card). */
export interface PcscliteStatus {
  readonly state: number;
  readonly atr?: Buffer;
}

/** `pcsclite`'s CardReader: one reader in one context, with at most one card handle. */
export interface PcscliteReader {
  readonly name: string;
  /** pcsclite's own flag: a card handle is open (`connect` on a connected reader does nothing). */
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  readonly SCARD_UNPOWER_CARD: number;
  readonly SCARD_EJECT_CARD: number;
  on(event: 'status', listener: (status: PcscliteStatus) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'end', listener: () => void): this;
  connect(options: { share_mode: number; protocol: number }, callback: (error: Error | null | undefined, protocol: number) => void): void;
  disconnect(disposition: number, callback: (error: Error | null | undefined) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: (error: Error | null | undefined, response: Buffer) => void): void;
  /** Stops the reader's status thread (it keeps the event loop alive until then, DOMAIN.md). */
  close(): void;
}

/** `pcsclite`'s context object, as the factory returns it. */
export interface PcscliteContext {
  /** The readers pcsclite knows now, by name. */
  readonly readers: Record<string, PcscliteReader>;
  /** Native: starts the reader-list thread; the factory calls it on the next tick with its own callback. */
  start(callback: (error: Error | undefined, names: Buffer) => void): void;
  on(event: 'reader', listener: (reader: PcscliteReader) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  /** Stops the reader-list thread. */
  close(): void;
}

/** The module's export: establishes a PC/SC context (throws when pcscd is not running). */
export type PcscliteFactory = () => PcscliteContext;

/** How the module is imported; tests pass one that fails. */
export type PcscliteImporter = () => Promise<unknown>;

const importPcsclite: PcscliteImporter = () => {
  const specifier = 'pcsclite'; // a variable: typechecking must not need the optional module
  return import(specifier);
};

/** What to install when the module will not load. */
export const PCSCLITE_INSTALL_HINT =
  'install the Debian packages libpcsclite-dev (to build the npm module pcsclite) and pcscd, then run npm ci';

let loaded: Promise<PcscliteFactory> | undefined;

/**
 * @internal The typed pcsclite module for this folder and the tests that check it is here.
 * Import `pcsclite` once (later calls share the first result). Rejects with
 * `DriverError('not-installed')` naming the packages when it will not load
 * (not installed, or its native part not built).
 */
export function loadPcsclite(importer: PcscliteImporter = importPcsclite): Promise<PcscliteFactory> {
  if (importer !== importPcsclite) return resolveFactory(importer);
  loaded ??= resolveFactory(importer).catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

async function resolveFactory(importer: PcscliteImporter): Promise<PcscliteFactory> {
  let namespace: unknown;
  try {
    namespace = await importer();
  } catch (error) {
    throw new DriverError('not-installed', `the PC/SC transport needs the npm module pcsclite, which did not load: ${PCSCLITE_INSTALL_HINT}`, { cause: error });
  }
  const factory = (namespace as { default?: unknown }).default;
  if (typeof factory !== 'function') {
    throw new DriverError('not-installed', `the module pcsclite loaded but exports no context factory: ${PCSCLITE_INSTALL_HINT}`);
  }
  return factory as PcscliteFactory;
}
