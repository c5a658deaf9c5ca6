/**
 * VERIFY (20), CHANGE REFERENCE DATA (24) and RESET RETRY COUNTER (2C)
 * (ISO/IEC 7816-4 §7.5.6, §7.5.7, §7.5.10). P2 is the PIN reference. Every
 * comparison goes through the anti-tearing check of `secret.ts`: the
 * counter is decremented and persisted before the value is compared.
 * A wrong value answers 63Cx (x tries left), a blocked PIN 6983.
 * @module
 */
import { SW, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import type { PinObject, Secret } from '../card-model.js';
import { candidateValue, checkWithAntiTearing, setSecret } from '../secret.js';
import type { CardContext } from '../session.js';

const EMPTY = new Uint8Array(0);

function pinObject(cmd: CommandApdu, ctx: CardContext): PinObject {
  return ctx.model.pins.get(cmd.p2) ?? (() => { throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND); })();
}

function triesLeftStatus(secret: Secret): CardStatus {
  return new CardStatus(0x63c0 | Math.min(secret.triesLeft, 15));
}

function requireUsable(secret: Secret): void {
  if (secret.triesLeft === 0) throw new CardStatus(SW.AUTH_METHOD_BLOCKED);
}

/**
 * Every way to cut `data` into a valid first value and a valid rest
 * (CHANGE REFERENCE DATA and RESET RETRY COUNTER carry two values back to
 * back). With padding, both halves are padded to the same length, so the
 * only cut is the middle (OURS, as IAS-ECC cards do); without, every cut
 * whose two parts have valid lengths (their heads differ in length, so at
 * most one can match).
 */
function splits(first: Secret, second: Secret, data: Uint8Array): { head: Uint8Array; tail: Uint8Array }[] {
  const cuts = first.padByte !== undefined ? (data.length % 2 === 0 ? [data.length / 2] : []) : [...Array(data.length).keys()];
  const out: { head: Uint8Array; tail: Uint8Array }[] = [];
  for (const cut of cuts) {
    const head = candidateValue(first, data.subarray(0, cut));
    const tail = candidateValue(second, data.subarray(cut));
    if (head !== undefined && tail !== undefined) out.push({ head, tail });
  }
  return out;
}

/**
 * Compare one of `candidates` against `secret` with the anti-tearing rule.
 * Raises 63Cx on a mismatch; returns the matching candidate's index.
 */
function check(ctx: CardContext, secret: Secret, candidates: readonly Uint8Array[]): number {
  const hit = checkWithAntiTearing(secret, candidates, () => ctx.persist());
  if (hit === undefined) throw triesLeftStatus(secret);
  return candidates.indexOf(hit);
}

/**
 * `CLA INS P1 P2 00` without data: over T=0 a command without data still
 * carries P3 = 00 (ISO/IEC 7816-3 §10.3.2), which reads as Le = 256; OpenSC's
 * iasecc driver asks the PIN status this way. VERIFY treats it as empty.
 */
function isT0EmptyHeader(cmd: CommandApdu): boolean {
  return cmd.ne === 256 && cmd.data.length === 0;
}

/**
 * VERIFY. P1 00 with data: compare; P1 00 without data: 9000 when already
 * verified, else 63Cx without counting a try (DOMAIN.md); P1 FF without
 * data: forget the verification (ISO/IEC 7816-4:2013 §7.5.6).
 */
export function verify(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.ne !== 0 && !isT0EmptyHeader(cmd)) throw new CardStatus(SW.WRONG_LENGTH);
  if (cmd.p1 !== 0x00 && cmd.p1 !== 0xff) throw new CardStatus(SW.INCORRECT_P1_P2);
  const pin = pinObject(cmd, ctx);
  const verified = ctx.security.verifiedPins;
  if (cmd.p1 === 0xff) {
    if (cmd.data.length !== 0) throw new CardStatus(SW.WRONG_LENGTH);
    verified.delete(pin.reference);
    return EMPTY;
  }
  if (cmd.data.length === 0) {
    if (pin.secret.triesLeft === 0) throw new CardStatus(SW.AUTH_METHOD_BLOCKED);
    if (verified.has(pin.reference)) return EMPTY;
    throw triesLeftStatus(pin.secret);
  }
  requireUsable(pin.secret);
  const value = candidateValue(pin.secret, cmd.data) ?? (() => { throw new CardStatus(SW.WRONG_DATA); })();
  verified.delete(pin.reference);
  check(ctx, pin.secret, [value]);
  verified.add(pin.reference);
  return EMPTY;
}

/**
 * CHANGE REFERENCE DATA. P1 00: old value then new value; P1 01: the new
 * value only, allowed when the PIN is verified in this session (OURS).
 */
export function changeReferenceData(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.ne !== 0 || cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  if (cmd.p1 !== 0x00 && cmd.p1 !== 0x01) throw new CardStatus(SW.INCORRECT_P1_P2);
  const pin = pinObject(cmd, ctx);
  const secret = pin.secret;
  requireUsable(secret);
  if (cmd.p1 === 0x01) {
    if (!ctx.security.verifiedPins.has(pin.reference)) throw new CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED);
    const value = candidateValue(secret, cmd.data) ?? (() => { throw new CardStatus(SW.WRONG_DATA); })();
    setSecret(secret, value);
    ctx.persist();
    return EMPTY;
  }
  const options = splits(secret, secret, cmd.data);
  if (options.length === 0) throw new CardStatus(SW.WRONG_DATA);
  const chosen = options[check(ctx, secret, options.map((o) => o.head))]!;
  setSecret(secret, chosen.tail);
  ctx.persist();
  ctx.security.verifiedPins.add(pin.reference);
  return EMPTY;
}

/**
 * RESET RETRY COUNTER with the unblocking code (PUK, 8 digits on a CPS,
 * DOMAIN.md). P1 00: PUK then new PIN; P1 01: PUK only (the PIN keeps its
 * value). The PUK has its own counter and is checked with the same
 * anti-tearing rule. The PIN is left unverified (OURS).
 */
export function resetRetryCounter(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.ne !== 0 || cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  if (cmd.p1 !== 0x00 && cmd.p1 !== 0x01) throw new CardStatus(SW.INCORRECT_P1_P2);
  const pin = pinObject(cmd, ctx);
  const puk = pin.unblock ?? (() => { throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED); })();
  requireUsable(puk);
  let newValue: Uint8Array | undefined;
  if (cmd.p1 === 0x01) {
    const value = candidateValue(puk, cmd.data) ?? (() => { throw new CardStatus(SW.WRONG_DATA); })();
    check(ctx, puk, [value]);
  } else {
    const options = splits(puk, pin.secret, cmd.data);
    if (options.length === 0) throw new CardStatus(SW.WRONG_DATA);
    newValue = options[check(ctx, puk, options.map((o) => o.head))]!.tail;
  }
  if (newValue === undefined) pin.secret.triesLeft = pin.secret.triesMax;
  else setSecret(pin.secret, newValue);
  ctx.security.verifiedPins.delete(pin.reference);
  ctx.persist();
  return EMPTY;
}
