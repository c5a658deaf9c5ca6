/**
 * MANAGE SECURITY ENVIRONMENT SET/RESTORE (22), PERFORM SECURITY OPERATION
 * COMPUTE DIGITAL SIGNATURE and HASH (2A), INTERNAL AUTHENTICATE (88):
 * ISO/IEC 7816-4 §7.5.11 and §7.5.2, ISO/IEC 7816-8 §5.4 and §5.2.
 * RSA PKCS#1 v1.5 (RFC 8017 §9.2: block type 1 over a DigestInfo) with
 * node:crypto. Algorithm references as OpenSC's iasecc driver sends them
 * (DOMAIN.md): 02 RSA PKCS#1 (the data is the DigestInfo), 12 SHA-1 + RSA
 * PKCS#1 and 42 SHA-256 + RSA PKCS#1 (the data is the bare hash, which the
 * card wraps in its DigestInfo); hash references 10 (SHA-1), 40 (SHA-256).
 * @module
 */
import { constants, createHash, privateEncrypt } from 'node:crypto';
import { concatBytes, hex, isPadding, parseTlv, SW, type CommandApdu, type TlvPrimitive } from '../../../protocol/index.js';
import { SHA256_BLOCK_BYTES, SHA256_INITIAL_STATE, sha256Resume } from '../sha256-resume.js';
import { CardStatus } from '../card.js';
import { requireCondition } from '../access.js';
import type { KeyObjectEntry, KeyUsage } from '../card-model.js';
import type { CardContext, KeySelection } from '../session.js';

const EMPTY = new Uint8Array(0);

interface HashAlgorithm {
  readonly name: 'sha1' | 'sha256';
  readonly size: number;
  /** DER DigestInfo prefix (RFC 8017 §9.2, note 1). */
  readonly prefix: Uint8Array;
}

const SHA1: HashAlgorithm = { name: 'sha1', size: 20, prefix: hex('3021300906052B0E03021A05000414') };
const SHA256: HashAlgorithm = { name: 'sha256', size: 32, prefix: hex('3031300D060960864801650304020105000420') };

/** Signature algorithm references: the hash the card wraps, or none (data is already a DigestInfo). */
const SIGNATURE_ALGORITHMS: ReadonlyMap<number, HashAlgorithm | undefined> = new Map([
  [0x02, undefined],
  [0x12, SHA1],
  [0x42, SHA256],
]);
const HASH_ALGORITHMS: ReadonlyMap<number, HashAlgorithm> = new Map([
  [0x10, SHA1],
  [0x40, SHA256],
]);

/** Which CRT tag (P2 of MSE SET) takes which algorithms, and where it is kept. */
const TEMPLATES = {
  0xb6: { slot: 'dst', algorithms: SIGNATURE_ALGORITHMS },
  0xa4: { slot: 'at', algorithms: new Map([[0x02, undefined]]) },
  0xaa: { slot: 'ht', algorithms: HASH_ALGORITHMS },
} as const;

/** MSE: P1 41 (SET for computation / internal operations) with a DST, AT or HT; P1 F3 RESTORE empties the environment (OURS: one SE). */
export function manageSecurityEnvironment(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.ne !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const se = ctx.channel.se;
  if (cmd.p1 === 0xf3) {
    if (cmd.data.length !== 0) throw new CardStatus(SW.WRONG_LENGTH);
    se.dst = se.at = se.ht = undefined;
    ctx.channel.hash = undefined;
    return EMPTY;
  }
  const template = cmd.p1 === 0x41 ? TEMPLATES[cmd.p2 as keyof typeof TEMPLATES] : undefined;
  if (template === undefined) throw new CardStatus(SW.INCORRECT_P1_P2);
  const parsed = parseTlv(cmd.data);
  if (!parsed.ok) throw new CardStatus(SW.WRONG_DATA);
  let key: KeyObjectEntry | undefined;
  let algorithm: number | undefined;
  for (const item of parsed.value) {
    if (isPadding(item) || item.constructed || item.value.length !== 1) throw new CardStatus(SW.WRONG_DATA);
    const v = item.value[0]!;
    // b8 of a key reference marks a local (DF-level) object in IAS-ECC; OpenSC sets it (DOMAIN.md `84 01 <key|80>`).
    if (item.tag === 0x84 && template.slot !== 'ht') key = ctx.model.keys.get(v & 0x7f) ?? (() => { throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND); })();
    else if (item.tag === 0x80 && template.algorithms.has(v)) algorithm = v;
    else throw new CardStatus(SW.WRONG_DATA);
  }
  const selection: KeySelection = { key, algorithm };
  se[template.slot] = selection;
  return EMPTY;
}

function usableKey(selection: KeySelection | undefined, usage: KeyUsage, ctx: CardContext): KeyObjectEntry {
  const key = selection?.key;
  if (key === undefined || !key.usage.has(usage)) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED);
  if (key.pin !== undefined) requireCondition({ kind: 'pin', reference: key.pin }, ctx.security);
  return key;
}

/** RSA PKCS#1 v1.5 block type 1 over `input` (RFC 8017 §9.2); 6A80 when it does not fit the modulus. */
function rsaSign(key: KeyObjectEntry, input: Uint8Array): Uint8Array {
  if (input.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  if (input.length > key.modulusBytes - 11) throw new CardStatus(SW.WRONG_DATA);
  return new Uint8Array(privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, input));
}

function computeDigitalSignature(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  const channel = ctx.channel;
  const dst = channel.se.dst;
  const key = usableKey(dst, 'sign', ctx);
  const algorithm = SIGNATURE_ALGORITHMS.get(dst?.algorithm ?? 0x02);
  const hash = cmd.data.length > 0 ? cmd.data : channel.hash;
  channel.hash = undefined;
  if (algorithm === undefined) return rsaSign(key, cmd.data);
  if (hash === undefined) throw new CardStatus(SW.WRONG_LENGTH);
  if (hash.length !== algorithm.size) throw new CardStatus(SW.WRONG_DATA);
  return rsaSign(key, concatBytes(algorithm.prefix, hash));
}

/**
 * PSO HASH, three forms: `90 {final hash}`; `80 {message}` hashed by the card;
 * and IAS-ECC's intermediate state `90 {H0..H7 ‖ 8-byte bit count} 80 {tail}`
 * (or `90 00 80 {message}` under one block), which the card finishes; OpenSC's
 * iasecc driver sends this last form for SHA256-RSA-PKCS. The intermediate form
 * is SHA-256 only (OURS).
 */
function hashData(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length === 0 || cmd.ne !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const se = ctx.channel.se;
  const algorithm = HASH_ALGORITHMS.get(se.ht?.algorithm ?? -1) ?? SIGNATURE_ALGORITHMS.get(se.dst?.algorithm ?? -1) ?? SHA256;
  const parsed = parseTlv(cmd.data);
  const items = parsed.ok ? parsed.value : [];
  const nodes = items.filter((item): item is TlvPrimitive => !isPadding(item) && !item.constructed);
  const [first, second] = nodes;
  if (first === undefined || nodes.length !== items.length) throw new CardStatus(SW.WRONG_DATA);
  if (nodes.length === 1 && first.tag === 0x90 && first.value.length === algorithm.size) ctx.channel.hash = first.value.slice();
  else if (nodes.length === 1 && first.tag === 0x80) ctx.channel.hash = new Uint8Array(createHash(algorithm.name).update(first.value).digest());
  else if (nodes.length === 2 && first.tag === 0x90 && second?.tag === 0x80 && algorithm === SHA256) ctx.channel.hash = resumeSha256(first.value, second.value);
  else throw new CardStatus(SW.WRONG_DATA);
  return EMPTY;
}

/** The intermediate form: an empty 90 means nothing hashed yet; otherwise 32 bytes of state and a whole-block bit count. */
function resumeSha256(intermediate: Uint8Array, tail: Uint8Array): Uint8Array {
  if (intermediate.length === 0) {
    if (tail.length >= SHA256_BLOCK_BYTES) throw new CardStatus(SW.WRONG_DATA);
    return sha256Resume(SHA256_INITIAL_STATE, 0n, tail);
  }
  if (intermediate.length !== 40 || tail.length >= SHA256_BLOCK_BYTES) throw new CardStatus(SW.WRONG_DATA);
  const bits = new DataView(intermediate.buffer, intermediate.byteOffset + 32, 8).getBigUint64(0);
  if (bits % 512n !== 0n) throw new CardStatus(SW.WRONG_DATA);
  return sha256Resume(intermediate.subarray(0, 32), bits, tail);
}

/** PSO: P1-P2 9E9A (COMPUTE DIGITAL SIGNATURE) or 90A0 (HASH). */
export function performSecurityOperation(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  const p1p2 = (cmd.p1 << 8) | cmd.p2;
  if (p1p2 === 0x9e9a) return computeDigitalSignature(cmd, ctx);
  if (p1p2 === 0x90a0) return hashData(cmd, ctx);
  throw new CardStatus(SW.INCORRECT_P1_P2);
}

/** INTERNAL AUTHENTICATE (P1-P2 0000): RSA PKCS#1 v1.5 over the given DigestInfo with the AT's key. */
export function internalAuthenticate(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1_P2);
  const key = usableKey(ctx.channel.se.at, 'authenticate', ctx);
  return rsaSign(key, cmd.data);
}
