/**
 * The card's persistent state in memory: the file tree (ISO/IEC 7816-4 §5.3:
 * MF, DFs, transparent and record EFs), its BER-TLV data objects, the PIN
 * objects and the private keys. Built from a card image
 * (`card-image.ts`) and written back to it after every persistent change.
 * @module
 */
import type { KeyObject } from 'node:crypto';

/**
 * An access condition (ISO/IEC 7816-4 §5.4.3.1, compact form): always,
 * never, or "this PIN was verified in the current card session".
 */
export type Condition = { readonly kind: 'always' } | { readonly kind: 'never' } | { readonly kind: 'pin'; readonly reference: number };

/**
 * Operations of the access-mode byte of an EF, b7 to b1 (ISO/IEC 7816-4
 * §5.4.3.1, table 17). The card enforces `read` and `update`; the others
 * only appear in the FCP.
 */
export const EF_OPERATIONS = ['deleteFile', 'terminate', 'activate', 'deactivate', 'write', 'update', 'read'] as const;
/** Operations of the access-mode byte of a DF, b7 to b1 (ISO/IEC 7816-4 §5.4.3.1, table 18). */
export const DF_OPERATIONS = ['deleteFile', 'terminate', 'activate', 'deactivate', 'createDf', 'createEf', 'deleteChild'] as const;
/** An operation named in an access rule. */
export type Operation = (typeof EF_OPERATIONS)[number] | (typeof DF_OPERATIONS)[number];
/** The access rules of one file: an operation with no rule is never allowed. */
export type AccessRules = Partial<Record<Operation, Condition>>;

/** A BER-TLV data object that GET DATA returns (ISO/IEC 7816-4 §7.4.2). */
export interface DataObject {
  readonly tag: number;
  value: Uint8Array;
  readonly read: Condition;
}

/** A dedicated file (ISO/IEC 7816-4 §5.3.1): the MF when it has no parent. */
export interface DfNode {
  readonly kind: 'df';
  readonly fid: number;
  readonly label: string | undefined;
  /** The DF name (an AID, 1 to 16 bytes), selectable with SELECT P1=04. */
  readonly name: Uint8Array | undefined;
  readonly parent: DfNode | undefined;
  readonly children: FileNode[];
  readonly dataObjects: DataObject[];
  readonly access: AccessRules;
}

interface EfCommon {
  readonly kind: 'ef';
  readonly fid: number;
  readonly label: string | undefined;
  /** Short EF identifier, 1 to 30 (ISO/IEC 7816-4 §5.3.1.1). */
  readonly sfi: number | undefined;
  readonly parent: DfNode;
  readonly access: AccessRules;
}

/** A transparent EF: `content` always holds `size` bytes. */
export interface TransparentEf extends EfCommon {
  readonly structure: 'transparent';
  content: Uint8Array;
}

/** A linear record EF, fixed or variable size (ISO/IEC 7816-4 §5.3.1.2). */
export interface RecordEf extends EfCommon {
  readonly structure: 'linear-fixed' | 'linear-variable';
  readonly records: Uint8Array[];
  /** Fixed: every record's size. Variable: the largest allowed. */
  readonly recordSize: number;
  readonly maxRecords: number;
}

/** An elementary file. */
export type EfNode = TransparentEf | RecordEf;
/** Any node of the file tree. */
export type FileNode = DfNode | EfNode;

/**
 * Reference data (a PIN or an unblocking code) with its retry counter. Only
 * a salted SHA-256 of the value is kept (OURS, see README): a card image
 * written by the emulator never holds a PIN in clear.
 */
export interface Secret {
  readonly minLength: number;
  readonly maxLength: number;
  /** When set, VERIFY data may be padded with this byte (OpenSC pads with FF). */
  readonly padByte: number | undefined;
  readonly triesMax: number;
  triesLeft: number;
  salt: Uint8Array;
  digest: Uint8Array;
}

/** A PIN object (ISO/IEC 7816-4 §7.5.1): reference in P2 of VERIFY. */
export interface PinObject {
  readonly reference: number;
  readonly label: string;
  /** The security environment number its compact access condition carries (low nibble of the SC byte). */
  readonly se: number;
  readonly secret: Secret;
  /** The unblocking code (PUK) of RESET RETRY COUNTER, with its own counter. */
  readonly unblock: Secret | undefined;
}

/** What a private key may do. */
export type KeyUsage = 'sign' | 'authenticate';

/** Where a key's PEM came from, kept so the image is written back as it was. */
export type KeySource = { readonly pem: string } | { readonly pemFile: string };

/** An RSA private key (referenced by tag 84 of MSE SET). */
export interface KeyObjectEntry {
  readonly reference: number;
  readonly label: string;
  /** The PIN that must be verified before the key is used, if any. */
  readonly pin: number | undefined;
  readonly usage: ReadonlySet<KeyUsage>;
  readonly privateKey: KeyObject;
  /** Modulus size in bytes (256 for RSA-2048). */
  readonly modulusBytes: number;
  readonly source: KeySource;
}

/** The whole persistent state of a card. */
export interface CardModel {
  readonly description: string;
  readonly atr: Uint8Array;
  /** The ATR after a warm reset when it differs from the cold one. */
  readonly warmAtr: Uint8Array | undefined;
  readonly mf: DfNode;
  readonly pins: ReadonlyMap<number, PinObject>;
  readonly keys: ReadonlyMap<number, KeyObjectEntry>;
}
