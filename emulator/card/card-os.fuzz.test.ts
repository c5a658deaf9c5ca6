// 100,000 random and mutated APDUs against the generic card (1,000 runs of
// 100 APDUs, each run on a fresh card): never an exception, always a valid
// status word, and the state invariants of issue 4 hold after every APDU.
import { fc, testProp } from '@fast-check/ava';
import { hex } from '../../protocol/index.js';
import { conditionMet } from './access.js';
import type { CardModel, EfNode, FileNode } from './card-model.js';
import { CardOs } from './card-os.js';
import { fuzzApdus, GENERIC_PIN, GENERIC_PUK, genericStorage, lc, mustOpen, pinHex, recordingLogger } from './test-support.js';

const AID = 'F0424946454E544501';
const PIN8 = pinHex(GENERIC_PIN, 8);
const HASH = '11'.repeat(32);
const DIGEST_INFO = '3031300D060960864801650304020105000420' + HASH;

/** One valid command of every INS, and some that change state. */
const TEMPLATES = [
  '00A4000C023F00', '00A40904043F002F0100', `00A4040409${AID}00`, '00A4020C020101', '00A4030C', '00A4010C021000', '00A40800022F0000',
  '00B0810010', '00B0000000', '00B0840000', '00D6810004CAFEBABE', '00D6000102ABCD', '00D6840001FF',
  '00B2021400', '00B2011500', '00B2031C00', '00DC0114080102030405060708', '00DC011C0141',
  '00CA5F2000', '00CADF0100', '00CB3FFF045C025F2000', '00CB3FFF0B4D097007BF8101037F418000',
  '0084000008', '00200001', `00200001${lc(PIN8)}${PIN8}`, '0020000108' + pinHex('0000', 8), '002000FF',
  `00240001${lc(PIN8 + pinHex('5678', 8))}${PIN8}${pinHex('5678', 8)}`, `00240101${lc(PIN8)}${PIN8}`,
  `002C0101${lc(pinHex(GENERIC_PUK))}${pinHex(GENERIC_PUK)}`, `002C0001${lc(pinHex(GENERIC_PUK) + PIN8)}${pinHex(GENERIC_PUK)}${PIN8}`,
  '002C0101083837363534333231',
  '002241B606840101800142', '002241B606840101800102', '002241A406840101800102', '002241AA03800140', '0022F301',
  `002A9E9A20${HASH}00`, `002A90A0229020${HASH}`, `00880000${lc(DIGEST_INFO)}${DIGEST_INFO}00`,
  '00C0000000', '0070000001', '00700002', '00708001', '01A4000C023F00', '01B0810004',
].map((h) => hex(h));

const apdu = fuzzApdus(TEMPLATES);

interface Snapshot {
  readonly pins: Map<number, { pin: number; puk: number | undefined }>;
  readonly files: Map<EfNode, string>;
  readonly dataObjects: string;
}

function efs(node: FileNode): EfNode[] {
  return node.kind === 'ef' ? [node] : node.children.flatMap(efs);
}

function allDfs(node: FileNode): FileNode[] {
  return node.kind === 'ef' ? [] : [node, ...node.children.flatMap(allDfs)];
}

function snapshot(model: CardModel): Snapshot {
  const pins = new Map([...model.pins].map(([ref, p]) => [ref, { pin: p.secret.triesLeft, puk: p.unblock?.triesLeft }]));
  const files = new Map(efs(model.mf).map((ef) => [ef, ef.structure === 'transparent' ? ef.content.join() : ef.records.map((r) => r.join()).join('|')]));
  const dataObjects = allDfs(model.mf).map((df) => (df.kind === 'df' ? df.dataObjects.map((d) => d.value.join()).join('|') : '')).join('/');
  return { pins, files, dataObjects };
}

function checkInvariants(card: CardOs, before: Snapshot, command: Uint8Array, answer: Uint8Array, verifiedBefore: ReadonlySet<number>): string | undefined {
  if (answer.length < 2) return 'no status word';
  const sw1 = answer[answer.length - 2]!;
  const sw = (sw1 << 8) | answer[answer.length - 1]!;
  if (!((sw1 >= 0x61 && sw1 <= 0x6f) || (sw1 >= 0x90 && sw1 <= 0x9f))) return `invalid SW1 ${sw1.toString(16)}`;
  if (sw === 0x6f00) return 'internal error (6F00)';
  const ins = command[1];
  const ok = sw === 0x9000;
  const after = snapshot(card.model);
  for (const [ref, was] of before.pins) {
    const now = after.pins.get(ref)!;
    if (now.pin > was.pin && !(ok && (ins === 0x20 || ins === 0x24 || ins === 0x2c))) return `PIN ${ref} counter went up on INS ${ins}`;
    if (was.pin === 0 && now.pin !== 0 && !(ok && ins === 0x2c)) return `blocked PIN ${ref} unblocked without RESET RETRY COUNTER`;
    if (was.puk !== undefined && now.puk! > was.puk && !(ok && ins === 0x2c)) return `PUK ${ref} counter went up`;
    if (was.puk === 0 && now.puk !== 0) return `blocked PUK ${ref} came back`;
  }
  for (const [ef, content] of before.files) {
    if (after.files.get(ef) === content) continue;
    if (!ok || (ins !== 0xd6 && ins !== 0xdc)) return `EF ${ef.fid.toString(16)} changed on INS ${ins} with SW ${sw.toString(16)}`;
    if (!conditionMet(ef.access.update, { verifiedPins: new Set(verifiedBefore) })) return `EF ${ef.fid.toString(16)} written without its access condition`;
  }
  if (after.dataObjects !== before.dataObjects) return 'a data object changed';
  return undefined;
}

testProp(
  '100,000 random and mutated APDUs: a valid SW every time, invariants hold, no exception',
  [fc.array(apdu, { minLength: 100, maxLength: 100 }), fc.integer()],
  (t, commands, seed) => {
    const logger = recordingLogger();
    const card = mustOpen(genericStorage(), { logger, seed });
    for (const command of commands) {
      const before = snapshot(card.model);
      const verifiedBefore = new Set(card.security.verifiedPins);
      const answer = card.execute(command);
      const problem = checkInvariants(card, before, command, answer, verifiedBefore);
      if (problem !== undefined) {
        t.fail(`${problem} after ${Buffer.from(command).toString('hex')}; log: ${logger.lines.join('; ')}`);
        return;
      }
    }
    t.deepEqual(logger.lines, []);
  },
  { numRuns: 1000 },
);
