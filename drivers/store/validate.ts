/**
 * @internal Argument checks of the store's public API: bad arguments are
 * programmer errors, thrown synchronously as TypeError / RangeError
 * (STYLE.md "Errors"), before any database work.
 * @module
 */
import type { FseRecord, NewEvent, NewLot, SettingValue } from './records.js';

/** Highest invoice number: B2's invoice number field has 9 digits (DOMAIN.md). */
export const MAX_FSE_ID = 999_999_999;
/** At most 999 FSEs a lot: B2's lot trailer counts invoices on 3 digits (DOMAIN.md). */
export const MAX_LOT_FSES = 999;
const MODES = new Set(['S', 'F', 'D']);
const EVENT_KIND = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;
const SETTING_KEY = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;
const MAX_DETAIL = 4096;

/** An invoice number, 1 to {@link MAX_FSE_ID}. */
export function checkFseId(id: unknown, what = 'FSE id'): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_FSE_ID) {
    throw new RangeError(`${what} must be an integer from 1 to ${MAX_FSE_ID}, got ${String(id)}`);
  }
  return id;
}

/** A store id (lot id, FSE id in a list): a positive integer. */
export function checkId(id: unknown, what: string): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new RangeError(`${what} must be a positive integer, got ${String(id)}`);
  return id;
}

/** A 3-digit destination organisation (organisme destinataire). */
export function checkDestination(destination: unknown): string {
  if (typeof destination !== 'string' || !/^\d{3}$/.test(destination)) {
    throw new RangeError(`destination must be 3 digits (organisme destinataire), got ${JSON.stringify(destination)}`);
  }
  return destination;
}

function checkTime(at: unknown, what: string): number {
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw new RangeError(`${what} must be milliseconds since 1970, got ${String(at)}`);
  return at;
}

function checkBytes(bytes: unknown, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length === 0) throw new RangeError(`${what} must not be empty`);
  return bytes;
}

/** Every field of an {@link FseRecord}. */
export function checkFseRecord(record: FseRecord): void {
  if (typeof record !== 'object' || record === null) throw new TypeError('putFse takes an FseRecord');
  checkFseId(record.id);
  checkTime(record.capturedAt, 'capturedAt');
  checkDestination(record.destination);
  if (!Number.isSafeInteger(record.amountCents) || record.amountCents < 0) {
    throw new RangeError(`amountCents must be a non-negative integer (cents), got ${String(record.amountCents)}`);
  }
  if (!MODES.has(record.securingMode)) throw new RangeError(`securingMode must be S, F or D, got ${String(record.securingMode)}`);
  checkBytes(record.bytes, 'FSE bytes');
}

/** A lot number, 1 to 999 (B2 lot header, 3 digits). */
export function checkLotNumber(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 999) throw new RangeError(`lot number must be 1 to 999, got ${String(n)}`);
  return n;
}

/** Every field of a {@link NewLot}: 1 to 999 distinct FSE ids, bytes and signature not empty. */
export function checkNewLot(lot: NewLot): void {
  if (typeof lot !== 'object' || lot === null) throw new TypeError('createLot takes a NewLot');
  checkDestination(lot.destination);
  checkLotNumber(lot.number);
  if (!Array.isArray(lot.fseIds) || lot.fseIds.length < 1 || lot.fseIds.length > MAX_LOT_FSES) {
    throw new RangeError(`a lot holds 1 to ${MAX_LOT_FSES} FSEs`);
  }
  for (const id of lot.fseIds) checkFseId(id);
  if (new Set(lot.fseIds).size !== lot.fseIds.length) throw new RangeError('a lot lists each FSE once');
  checkBytes(lot.bytes, 'lot bytes');
  checkBytes(lot.signature, 'lot signature');
}

/** An optional list of ids (absent: none). */
export function checkIds(ids: unknown, what: string): readonly number[] {
  if (ids === undefined) return [];
  if (!Array.isArray(ids)) throw new TypeError(`${what} must be an array`);
  for (const id of ids) checkId(id, what);
  return ids as readonly number[];
}

/** An event: a dotted kind, a detail of at most 4,096 characters, an optional time. */
export function checkEvent(event: NewEvent): void {
  if (typeof event !== 'object' || event === null) throw new TypeError('appendEvent takes a NewEvent');
  if (event.at !== undefined) checkTime(event.at, 'event time');
  if (typeof event.kind !== 'string' || !EVENT_KIND.test(event.kind)) throw new RangeError(`event kind must be a dotted name like fse.stored, got ${JSON.stringify(event.kind)}`);
  if (typeof event.detail !== 'string' || event.detail.length > MAX_DETAIL) throw new RangeError(`event detail must be a string of at most ${MAX_DETAIL} characters`);
}

/** A setting key: a dotted name. */
export function checkSettingKey(key: unknown): string {
  if (typeof key !== 'string' || !SETTING_KEY.test(key)) throw new RangeError(`setting key must be a dotted name like clock.offset-ms, got ${JSON.stringify(key)}`);
  return key;
}

/** A setting value: a string, a finite number or a boolean. */
export function checkSettingValue(value: unknown): SettingValue {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new TypeError('a setting is a string, a finite number or a boolean');
}

/** An event-log page: an index from 0 and a count of 0 to 65,535. */
export function checkPage(from: unknown, count: unknown): void {
  if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0) throw new RangeError(`from must be an index ≥ 0, got ${String(from)}`);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 65_535) throw new RangeError(`count must be 0 to 65535, got ${String(count)}`);
}
