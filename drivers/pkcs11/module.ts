/**
 * A PKCS#11 module (Cryptoki library, PKCS#11 v2.40 base §5.4-5.5) opened
 * with pkcs11js: C_Initialize on open, slots and tokens, sessions, and
 * C_Finalize plus dlclose on close.
 *
 * Concurrency: PKCS#11 initialises a library once a process, so a module
 * path is open at most once at a time in a process (a second
 * {@link openPkcs11} rejects with `sharing-violation`). The library is
 * initialised with CKF_OS_LOCKING_OK, so signatures running on the thread
 * pool and calls on the main thread may overlap across sessions.
 * @module
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import type { PKCS11, SlotInfo, TokenInfo } from 'pkcs11js';
import { DriverError } from '../core/errors.js';
import { fromNative, native } from './errors.js';
import { loadPkcs11js } from './native.js';
import { openSession, type Pkcs11Session } from './session.js';

/** CK_INFO (base §3.1), strings trimmed of their blank padding. */
export interface Pkcs11ModuleInfo {
  /** "2.40" */
  readonly cryptokiVersion: string;
  readonly manufacturerId: string;
  readonly libraryDescription: string;
  readonly libraryVersion: string;
}

/** CK_SLOT_INFO (base §3.2). */
export interface Pkcs11Slot {
  /** CK_SLOT_ID: a number the module chooses (SoftHSM2 renumbers a slot when its token is initialised). */
  readonly id: bigint;
  readonly description: string;
  readonly manufacturerId: string;
  /** CKF_TOKEN_PRESENT: a token (a card, for OpenSC) is in the slot. */
  readonly tokenPresent: boolean;
  /** CKF_REMOVABLE_DEVICE: a reader whose card can be pulled. */
  readonly removable: boolean;
  /** CKF_HW_SLOT: a hardware slot, not a software one. */
  readonly hardware: boolean;
}

/** CK_TOKEN_INFO (base §3.2) of the token in a slot. */
export interface Pkcs11Token {
  readonly slotId: bigint;
  readonly label: string;
  readonly manufacturerId: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly initialized: boolean;
  readonly loginRequired: boolean;
  /** CKF_PROTECTED_AUTHENTICATION_PATH: the PIN is typed on a PIN pad, not passed to login(). */
  readonly protectedAuthenticationPath: boolean;
  /** CKF_USER_PIN_COUNT_LOW: a wrong PIN was given since the last good one. */
  readonly pinCountLow: boolean;
  /** CKF_USER_PIN_FINAL_TRY: one wrong PIN more blocks it. */
  readonly pinFinalTry: boolean;
  /** CKF_USER_PIN_LOCKED. */
  readonly pinLocked: boolean;
  readonly minPinLength: number;
  readonly maxPinLength: number;
}

/** Options of {@link Pkcs11Module.openSession}. */
export interface OpenSessionOptions {
  /** A read/write session (CKF_RW_SESSION); default read-only, which is all signing needs. */
  readonly readWrite?: boolean;
}

/** An open PKCS#11 module; see the module TSDoc for concurrency. */
export interface Pkcs11Module {
  /** The module file, as given to {@link openPkcs11}. */
  readonly path: string;
  /** C_GetInfo. */
  info(): Promise<Pkcs11ModuleInfo>;
  /** C_GetSlotList + C_GetSlotInfo; `tokenPresent` keeps slots with a token only. */
  slots(options?: { readonly tokenPresent?: boolean }): Promise<Pkcs11Slot[]>;
  /** C_GetTokenInfo of every slot with a token. */
  tokens(): Promise<Pkcs11Token[]>;
  /** C_OpenSession on a slot listed by {@link slots}; `not-found` for an unknown slot. */
  openSession(slotId: bigint, options?: OpenSessionOptions): Promise<Pkcs11Session>;
  /** Close every session (waiting for their queued calls), C_Finalize, unload the library. Idempotent. */
  close(): Promise<void>;
}

/** CK flags (base §3.1-3.2, §5.6). */
const CKF = {
  TOKEN_PRESENT: 0x1,
  REMOVABLE_DEVICE: 0x2,
  HW_SLOT: 0x4,
  LOGIN_REQUIRED: 0x4,
  TOKEN_INITIALIZED: 0x400,
  PROTECTED_AUTHENTICATION_PATH: 0x100,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  OS_LOCKING_OK: 0x2,
} as const;

/** Debian packages of the modules this project documents, by file name. */
const PACKAGES: Readonly<Record<string, string>> = {
  'libsofthsm2.so': 'softhsm2',
  'opensc-pkcs11.so': 'opensc-pkcs11',
};

/** Module files open in this process (real paths): PKCS#11 initialises a library once a process. */
const OPEN = new Set<string>();

function installHint(path: string): string {
  const pkg = PACKAGES[basename(path)];
  return pkg === undefined ? 'install the token vendor\'s PKCS#11 middleware' : `install the Debian package ${pkg}`;
}

/**
 * Load and initialise the PKCS#11 module at `modulePath` (SoftHSM2:
 * /usr/lib/softhsm/libsofthsm2.so; OpenSC: /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so).
 * Rejects with `not-found` when the file does not exist, `not-installed`
 * when it is no loadable PKCS#11 library (or pkcs11js is missing),
 * `sharing-violation` when it is open in this process already, and a
 * {@link Pkcs11Error} when C_Initialize fails.
 */
export function openPkcs11(modulePath: string): Promise<Pkcs11Module> {
  if (typeof modulePath !== 'string' || modulePath.length === 0) throw new TypeError('modulePath must be the path of a PKCS#11 library');
  return open(modulePath);
}

async function open(modulePath: string): Promise<Pkcs11Module> {
  if (!existsSync(modulePath)) throw new DriverError('not-found', `no PKCS#11 module at ${modulePath}: ${installHint(modulePath)}`);
  const real = realpathSync(modulePath);
  if (OPEN.has(real)) throw new DriverError('sharing-violation', `the PKCS#11 module ${modulePath} is open in this process already: share that Pkcs11Module (a library is initialised once a process)`);
  const { PKCS11 } = await loadPkcs11js();
  if (OPEN.has(real)) throw new DriverError('sharing-violation', `the PKCS#11 module ${modulePath} is open in this process already: share that Pkcs11Module (a library is initialised once a process)`);
  const lib = new PKCS11();
  try {
    lib.load(modulePath);
  } catch (error) {
    lib.close();
    throw new DriverError('not-installed', `${modulePath} is not a loadable PKCS#11 module (${error instanceof Error ? error.message : String(error)}): ${installHint(modulePath)}`, { cause: error });
  }
  try {
    lib.C_Initialize({ flags: CKF.OS_LOCKING_OK });
  } catch (error) {
    lib.close();
    throw fromNative(error, `C_Initialize of ${modulePath}`);
  }
  OPEN.add(real);
  return new Module(modulePath, real, lib);
}

const text = (s: string) => s.trim();
const version = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
const slotBigint = (slot: Buffer) => (slot.length >= 8 ? slot.readBigUInt64LE(0) : BigInt(slot.readUInt32LE(0)));

class Module implements Pkcs11Module {
  readonly #sessions = new Set<Pkcs11Session>();
  #closing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly real: string,
    private readonly lib: PKCS11,
  ) {}

  async info(): Promise<Pkcs11ModuleInfo> {
    this.#open();
    const info = native('C_GetInfo', () => this.lib.C_GetInfo());
    return {
      cryptokiVersion: version(info.cryptokiVersion),
      manufacturerId: text(info.manufacturerID),
      libraryDescription: text(info.libraryDescription),
      libraryVersion: version(info.libraryVersion),
    };
  }

  async slots(options: { readonly tokenPresent?: boolean } = {}): Promise<Pkcs11Slot[]> {
    return this.#slotHandles(options.tokenPresent ?? false).map((slot) => {
      const info: SlotInfo = native('C_GetSlotInfo', () => this.lib.C_GetSlotInfo(slot));
      return {
        id: slotBigint(slot),
        description: text(info.slotDescription),
        manufacturerId: text(info.manufacturerID),
        tokenPresent: (info.flags & CKF.TOKEN_PRESENT) !== 0,
        removable: (info.flags & CKF.REMOVABLE_DEVICE) !== 0,
        hardware: (info.flags & CKF.HW_SLOT) !== 0,
      };
    });
  }

  async tokens(): Promise<Pkcs11Token[]> {
    return this.#slotHandles(true).map((slot) => {
      const id = slotBigint(slot);
      const info: TokenInfo = native(`C_GetTokenInfo on slot ${id}`, () => this.lib.C_GetTokenInfo(slot));
      return {
        slotId: id,
        label: text(info.label),
        manufacturerId: text(info.manufacturerID),
        model: text(info.model),
        serialNumber: text(info.serialNumber),
        initialized: (info.flags & CKF.TOKEN_INITIALIZED) !== 0,
        loginRequired: (info.flags & CKF.LOGIN_REQUIRED) !== 0,
        protectedAuthenticationPath: (info.flags & CKF.PROTECTED_AUTHENTICATION_PATH) !== 0,
        pinCountLow: (info.flags & CKF.USER_PIN_COUNT_LOW) !== 0,
        pinFinalTry: (info.flags & CKF.USER_PIN_FINAL_TRY) !== 0,
        pinLocked: (info.flags & CKF.USER_PIN_LOCKED) !== 0,
        minPinLength: info.minPinLen,
        maxPinLength: info.maxPinLen,
      };
    });
  }

  async openSession(slotId: bigint, options: OpenSessionOptions = {}): Promise<Pkcs11Session> {
    if (typeof slotId !== 'bigint') throw new TypeError('slotId must be a bigint (Pkcs11Slot.id)');
    const slot = this.#slotHandles(false).find((s) => slotBigint(s) === slotId);
    if (slot === undefined) throw new DriverError('not-found', `no slot ${slotId} in ${this.path}`);
    const flags = CKF.SERIAL_SESSION | (options.readWrite === true ? CKF.RW_SESSION : 0);
    const session = openSession(this.lib, slot, slotId, flags, (s) => this.#sessions.delete(s));
    this.#sessions.add(session);
    return session;
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    const closing = await Promise.allSettled([...this.#sessions].map((s) => s.close()));
    try {
      native(`C_Finalize of ${this.path}`, () => this.lib.C_Finalize());
    } finally {
      this.lib.close();
      OPEN.delete(this.real);
    }
    const failed = closing.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  #slotHandles(tokenPresent: boolean): Buffer[] {
    this.#open();
    return native('C_GetSlotList', () => this.lib.C_GetSlotList(tokenPresent));
  }

  #open(): void {
    if (this.#closing !== undefined) throw new DriverError('closed', `the PKCS#11 module ${this.path} is closed`);
  }
}
