/**
 * The link message codec (our layout, see README): a type byte, the
 * 16-bit request id, then the fields of the type, big-endian.
 *
 * | type | request | type | answer |
 * |---|---|---|---|
 * | 01 | identify | 81 | identity: model, serial, firmware, agreement number (text8 each) |
 * | 02 | set-clock: epochMs u64, utcOffsetMinutes i16 | 82 | clock-set: previousEpochMs u64 |
 * | 03 | list-fses | 83 | fse-list: count u16, (id u32, size u32, state u8)* |
 * | 04 | fetch-fse: id u32 | 84 | fse: id u32, bytes to the end |
 * | 05 | fetch-lot: id u32 | 85 | lot: id u32, bytes to the end |
 * | 06 | acknowledge: count u16, id u32* | 86 | acknowledged: count u16, id u32* |
 * | 07 | update-tariffs: version u32, table to the end | 87 | tariffs-updated: version u32 |
 * | 08 | read-event-log: from u32, count u16 | 88 | event-log: total u32, count u16, (index u32, epochMs u64, code u16, text8)* |
 * | 09 | list-quarantined | 89 | quarantine-list: count u16, (id u32, reason u8, at u64, released u8 (0, or 1 and releasedAt u64), detail text8, count u16, (name text8, size u32)*)* |
 * | 0A | fetch-quarantined: id u32, name text8, offset u32, length u16 | 8A | quarantined-chunk: id u32, name text8, offset u32, total u32, bytes to the end |
 * | 0B | release-quarantined: id u32, nextInvoiceNumber u32 | 8B | quarantine-released: id u32, pending u16 |
 * |  |  | FF | error: code u16, text8 |
 *
 * text8 = a 1-byte length and that many bytes of UTF-8.
 * @module
 */
import { fail, type Codec, type ParseResult } from '../result.js';
import { FieldWriter, readAll, type FieldReader, type LinkMessageReason } from './message-fields.js';
import type { LinkFseState, LinkMessage, LinkQuarantineEntry, LinkQuarantineReason, LinkRequest } from './message-types.js';

type Kind = LinkMessage['kind'];
type Of<K extends Kind> = LinkMessage & { kind: K };
type Body<K extends Kind> = Omit<Of<K>, 'kind' | 'requestId'>;

interface KindCodec<K extends Kind> {
  readonly type: number;
  write(w: FieldWriter, m: Of<K>): void;
  read(r: FieldReader): Body<K>;
}

const FSE_STATES: readonly LinkFseState[] = ['pending', 'fetched'];
const QUARANTINE_REASONS: readonly LinkQuarantineReason[] = ['not-sqlite', 'foreign', 'newer-schema', 'corrupt', 'orphan-journal'];
const MAX_OFFSET_MINUTES = 840;
const none = { write() {}, read: () => ({}) };
const fetch = { write: (w: FieldWriter, m: { id: number }) => w.u32('id', m.id), read: (r: FieldReader) => ({ id: r.u32('id') }) };
const stored = {
  write: (w: FieldWriter, m: { id: number; bytes: Uint8Array }) => w.u32('id', m.id).bytes(m.bytes),
  read: (r: FieldReader) => ({ id: r.u32('id'), bytes: r.rest() }),
};

function writeQuarantine(w: FieldWriter, q: LinkQuarantineEntry): void {
  w.u32('id', q.id).u8('reason', QUARANTINE_REASONS.indexOf(q.reason) + 1).u64('at', q.at);
  if (q.releasedAt === undefined) w.u8('released', 0);
  else w.u8('released', 1).u64('releasedAt', q.releasedAt);
  w.text('detail', q.detail).list('files', q.files, (x, f) => x.text('name', f.name).u32('size', f.size));
}

function readQuarantine(r: FieldReader, p: string): LinkQuarantineEntry {
  const id = r.u32(`${p}/id`);
  const reason = QUARANTINE_REASONS[r.u8(`${p}/reason`) - 1];
  if (reason === undefined) return r.invalid('a quarantine reason is 1 to 5', `${p}/reason`, 1);
  const at = r.u64(`${p}/at`);
  const released = r.u8(`${p}/released`);
  if (released > 1) return r.invalid('released is 0 (pending) or 1 (a time follows)', `${p}/released`, 1);
  const releasedAt = released === 1 ? { releasedAt: r.u64(`${p}/releasedAt`) } : {};
  const detail = r.text(`${p}/detail`);
  const files = r.list(`${p}/files`, (f) => ({ name: r.text(`${f}/name`), size: r.u32(`${f}/size`) }));
  return { id, reason, at, ...releasedAt, detail, files };
}

const KINDS: { readonly [K in Kind]: KindCodec<K> } = {
  identify: { type: 0x01, ...none },
  'set-clock': {
    type: 0x02,
    write: (w, m) => w.u64('epochMs', m.epochMs).i16('utcOffsetMinutes', m.utcOffsetMinutes, -MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES),
    read: (r) => {
      const epochMs = r.u64('epochMs');
      const utcOffsetMinutes = r.i16('utcOffsetMinutes');
      if (Math.abs(utcOffsetMinutes) > MAX_OFFSET_MINUTES) r.invalid(`a UTC offset is at most ${MAX_OFFSET_MINUTES} minutes`, 'utcOffsetMinutes', 2);
      return { epochMs, utcOffsetMinutes };
    },
  },
  'list-fses': { type: 0x03, ...none },
  'fetch-fse': { type: 0x04, ...fetch },
  'fetch-lot': { type: 0x05, ...fetch },
  acknowledge: {
    type: 0x06,
    write: (w, m) => w.list('ids', m.ids, (x, id) => x.u32('id', id)),
    read: (r) => ({ ids: r.list('ids', (p) => r.u32(p)) }),
  },
  'update-tariffs': {
    type: 0x07,
    write: (w, m) => w.u32('version', m.version).bytes(m.table),
    read: (r) => ({ version: r.u32('version'), table: r.rest() }),
  },
  'read-event-log': {
    type: 0x08,
    write: (w, m) => w.u32('from', m.from).u16('count', m.count),
    read: (r) => ({ from: r.u32('from'), count: r.u16('count') }),
  },
  'list-quarantined': { type: 0x09, ...none },
  'fetch-quarantined': {
    type: 0x0a,
    write: (w, m) => w.u32('id', m.id).text('name', m.name).u32('offset', m.offset).u16('length', m.length),
    read: (r) => ({ id: r.u32('id'), name: r.text('name'), offset: r.u32('offset'), length: r.u16('length') }),
  },
  'release-quarantined': {
    type: 0x0b,
    write: (w, m) => w.u32('id', m.id).u32('nextInvoiceNumber', m.nextInvoiceNumber),
    read: (r) => ({ id: r.u32('id'), nextInvoiceNumber: r.u32('nextInvoiceNumber') }),
  },
  identity: {
    type: 0x81,
    write: (w, m) => w.text('model', m.model).text('serial', m.serial).text('firmware', m.firmware).text('agreementNumber', m.agreementNumber),
    read: (r) => ({ model: r.text('model'), serial: r.text('serial'), firmware: r.text('firmware'), agreementNumber: r.text('agreementNumber') }),
  },
  'clock-set': {
    type: 0x82,
    write: (w, m) => w.u64('previousEpochMs', m.previousEpochMs),
    read: (r) => ({ previousEpochMs: r.u64('previousEpochMs') }),
  },
  'fse-list': {
    type: 0x83,
    write: (w, m) => w.list('fses', m.fses, (x, f) => x.u32('id', f.id).u32('size', f.size).u8('state', FSE_STATES.indexOf(f.state) + 1)),
    read: (r) => ({
      fses: r.list('fses', (p) => {
        const id = r.u32(`${p}/id`);
        const size = r.u32(`${p}/size`);
        const state = FSE_STATES[r.u8(`${p}/state`) - 1];
        if (state === undefined) return r.invalid('an FSE state is 1 (pending) or 2 (fetched)', `${p}/state`, 1);
        return { id, size, state };
      }),
    }),
  },
  fse: { type: 0x84, ...stored },
  lot: { type: 0x85, ...stored },
  acknowledged: {
    type: 0x86,
    write: (w, m) => w.list('freed', m.freed, (x, id) => x.u32('id', id)),
    read: (r) => ({ freed: r.list('freed', (p) => r.u32(p)) }),
  },
  'tariffs-updated': {
    type: 0x87,
    write: (w, m) => w.u32('version', m.version),
    read: (r) => ({ version: r.u32('version') }),
  },
  'event-log': {
    type: 0x88,
    write: (w, m) =>
      w.u32('total', m.total).list('entries', m.entries, (x, e) => x.u32('index', e.index).u64('epochMs', e.epochMs).u16('code', e.code).text('text', e.text)),
    read: (r) => ({
      total: r.u32('total'),
      entries: r.list('entries', (p) => ({ index: r.u32(`${p}/index`), epochMs: r.u64(`${p}/epochMs`), code: r.u16(`${p}/code`), text: r.text(`${p}/text`) })),
    }),
  },
  'quarantine-list': {
    type: 0x89,
    write: (w, m) => w.list('quarantines', m.quarantines, writeQuarantine),
    read: (r) => ({ quarantines: r.list('quarantines', (p) => readQuarantine(r, p)) }),
  },
  'quarantined-chunk': {
    type: 0x8a,
    write: (w, m) => w.u32('id', m.id).text('name', m.name).u32('offset', m.offset).u32('total', m.total).bytes(m.bytes),
    read: (r) => ({ id: r.u32('id'), name: r.text('name'), offset: r.u32('offset'), total: r.u32('total'), bytes: r.rest() }),
  },
  'quarantine-released': {
    type: 0x8b,
    write: (w, m) => w.u32('id', m.id).u16('pending', m.pending),
    read: (r) => ({ id: r.u32('id'), pending: r.u16('pending') }),
  },
  error: {
    type: 0xff,
    write: (w, m) => w.u16('code', m.code).text('text', m.text),
    read: (r) => ({ code: r.u16('code'), text: r.text('text') }),
  },
};

const BY_TYPE = new Map<number, Kind>(Object.entries(KINDS).map(([kind, c]) => [c.type, kind as Kind]));

/** True for the kinds a host sends (types below 80h). */
export function isLinkRequest(message: LinkMessage): message is LinkRequest {
  return KINDS[message.kind].type < 0x80;
}

/**
 * Encode a message. Throws RangeError for a field out of range (a string
 * over 255 UTF-8 bytes, a list over 65,535 items, a negative id).
 * @example encodeLinkMessage({ kind: 'fetch-fse', requestId: 7, id: 42 }) // 04 00 07 00 00 00 2A
 */
export function encodeLinkMessage(message: LinkMessage): Uint8Array {
  const codec = KINDS[message.kind] as KindCodec<Kind>;
  const w = new FieldWriter().u8('type', codec.type).u16('requestId', message.requestId);
  codec.write(w, message);
  return w.done();
}

/**
 * Parse one message (strict: the whole of `bytes`).
 * @example parseLinkMessage(hex('01 00 01')) // ok: { kind: 'identify', requestId: 1 }
 */
export function parseLinkMessage(bytes: Uint8Array): ParseResult<LinkMessage, LinkMessageReason> {
  if (bytes.length < 1) return fail('truncated', 'a message starts with its type byte', 0, 'type');
  const kind = BY_TYPE.get(bytes[0]!);
  if (kind === undefined) return fail('unknown-type', `no message has type ${bytes[0]}`, 0, 'type');
  return readAll(bytes, (r) => {
    r.u8('type');
    const requestId = r.u16('requestId');
    return { kind, requestId, ...KINDS[kind].read(r) } as LinkMessage;
  });
}

/**
 * Read only the request id of a message that may not parse whole, so that
 * a bad request can still be answered with an error. Null below 3 bytes.
 * @example linkRequestIdOf(hex('01 00 09 FF')) // 9
 */
export function linkRequestIdOf(bytes: Uint8Array): number | null {
  return bytes.length < 3 ? null : (bytes[1]! << 8) | bytes[2]!;
}

/**
 * The message codec.
 * @example linkMessageCodec.encode({ kind: 'identify', requestId: 1 }) // 01 00 01
 */
export const linkMessageCodec: Codec<LinkMessage, LinkMessageReason> = {
  parse: parseLinkMessage,
  encode: encodeLinkMessage,
};
