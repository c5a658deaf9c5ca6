/**
 * Test-only fast-check arbitraries of the link: frames, messages, line
 * faults for `simulated-line.ts`.
 * @module
 */
import { fc } from '@fast-check/ava';
import { LINK_MAX_PAYLOAD, type LinkFrame } from './frame.js';
import type { LinkMessage } from './message-types.js';
import type { LineFaults } from './simulated-line.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ms = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const text = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => new TextEncoder().encode(s).length <= 255);
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

/** Any valid frame. */
export const linkFrameArb: fc.Arbitrary<LinkFrame> = fc.oneof(
  fc.record({ kind: fc.constant('data' as const), seq: u8, first: fc.boolean(), last: fc.boolean(), messageId: fc.integer({ min: 0, max: 7 }), payload: bytes(LINK_MAX_PAYLOAD) }),
  fc.record({ kind: fc.constantFrom('ack' as const, 'nak' as const), seq: u8 }),
  fc.record({ kind: fc.constant('reset' as const), nonce: u32 }),
  fc.record({ kind: fc.constant('reset-ack' as const), nonce: u32, senderNonce: u32 }),
);

/** Any valid message. */
export const linkMessageArb: fc.Arbitrary<LinkMessage> = fc.oneof(
  fc.record({ kind: fc.constantFrom('identify' as const, 'list-fses' as const), requestId: u16 }),
  fc.record({ kind: fc.constant('set-clock' as const), requestId: u16, epochMs: ms, utcOffsetMinutes: fc.integer({ min: -840, max: 840 }) }),
  fc.record({ kind: fc.constantFrom('fetch-fse' as const, 'fetch-lot' as const), requestId: u16, id: u32 }),
  fc.record({ kind: fc.constant('acknowledge' as const), requestId: u16, ids: fc.array(u32, { maxLength: 20 }) }),
  fc.record({ kind: fc.constant('update-tariffs' as const), requestId: u16, version: u32, table: bytes(100) }),
  fc.record({ kind: fc.constant('read-event-log' as const), requestId: u16, from: u32, count: u16 }),
  fc.record({ kind: fc.constant('identity' as const), requestId: u16, model: text, serial: text, firmware: text, agreementNumber: text }),
  fc.record({ kind: fc.constant('clock-set' as const), requestId: u16, previousEpochMs: ms }),
  fc.record({
    kind: fc.constant('fse-list' as const),
    requestId: u16,
    fses: fc.array(fc.record({ id: u32, size: u32, state: fc.constantFrom('pending' as const, 'fetched' as const) }), { maxLength: 10 }),
  }),
  fc.record({ kind: fc.constantFrom('fse' as const, 'lot' as const), requestId: u16, id: u32, bytes: bytes(100) }),
  fc.record({ kind: fc.constant('acknowledged' as const), requestId: u16, freed: fc.array(u32, { maxLength: 20 }) }),
  fc.record({ kind: fc.constant('tariffs-updated' as const), requestId: u16, version: u32 }),
  fc.record({
    kind: fc.constant('event-log' as const),
    requestId: u16,
    total: u32,
    entries: fc.array(fc.record({ index: u32, epochMs: ms, code: u16, text }), { maxLength: 5 }),
  }),
  fc.record({ kind: fc.constant('list-quarantined' as const), requestId: u16 }),
  fc.record({ kind: fc.constant('fetch-quarantined' as const), requestId: u16, id: u32, name: text, offset: u32, length: u16 }),
  fc.record({ kind: fc.constant('release-quarantined' as const), requestId: u16, id: u32, nextInvoiceNumber: u32 }),
  fc.record({
    kind: fc.constant('quarantine-list' as const),
    requestId: u16,
    quarantines: fc.array(
      fc.record(
        {
          id: u32,
          reason: fc.constantFrom('not-sqlite' as const, 'foreign' as const, 'newer-schema' as const, 'corrupt' as const, 'orphan-journal' as const),
          at: ms,
          releasedAt: ms,
          detail: text,
          files: fc.array(fc.record({ name: text, size: u32 }), { maxLength: 4 }),
        },
        { requiredKeys: ['id', 'reason', 'at', 'detail', 'files'] },
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record({ kind: fc.constant('quarantined-chunk' as const), requestId: u16, id: u32, name: text, offset: u32, total: u32, bytes: bytes(100) }),
  fc.record({ kind: fc.constant('quarantine-released' as const), requestId: u16, id: u32, pending: u16 }),
  fc.record({ kind: fc.constant('error' as const), requestId: u16, code: u16, text }),
);

/** Fault rates for fast-check: each up to `max`. */
export function lineFaultsArb(max: number): fc.Arbitrary<LineFaults> {
  const p = fc.double({ min: 0, max, noNaN: true });
  return fc.record({ drop: p, duplicate: p, corrupt: p, garbage: p, jitterMs: fc.integer({ min: 0, max: 30 }), split: fc.boolean() });
}
