/**
 * What the terminal reads from a CPS: the card serial and the practice
 * situations (DOMAIN.md "Cards": 16 situation files `3F00/0001/D120` to
 * `D12F`, EF.SN.ICC by SFI 1C answering tag 5A).
 *
 * The situation file layout is the emulator's design (emulator/profiles
 * README "CPS3", OURS): `E0 {80 practice mode, 81 structure id type,
 * 82 structure id, 83 name, 84 billing number, 85 specialty, 86 sector,
 * 87 OPTAM, 88 fee zone, 89 IK zone, 8A rights, [8B replaced doctor,
 * 8C replaced situation]}`, Latin-1, zero padded; an unused file is all zero.
 * @module
 */
import type { CardChannel } from '../../drivers/index.js';
import { fail, findTlv, hex, ok, parseTlv, SW, toHex, type ParseResult, type TlvItem } from '../../protocol/index.js';
import { CardOperationError } from './card-failure.js';

/** How many situation files a CPS holds (DOMAIN.md). */
export const CPS_SITUATION_FILES = 16;

/** Mode of practice of a situation (DOMAIN.md "Situation fields"); `substitute` is a remplaçant. */
export type PracticeMode = 'liberal' | 'salaried' | 'substitute' | 'unpaid';

/** One practice situation read from the CPS, `index` 0..15 being its file (D120 + index). */
export interface CpsSituation {
  readonly index: number;
  readonly practiceMode: PracticeMode;
  readonly structure: { readonly idType: 'cabinet' | 'finess' | 'siret'; readonly id: string; readonly name: string };
  readonly billingNumber: string;
  readonly specialty: string;
  readonly conventionSector: number;
  readonly optam: boolean;
  readonly feeZone: string;
  readonly ikZone: 'plain' | 'mountain';
  /** Rights to sign FSEs and lots in this situation. */
  readonly rights: { readonly signFse: boolean; readonly signLot: boolean };
  /** A substitute's situation: the replaced doctor and their situation (DOMAIN.md "Substitute doctors"). */
  readonly replaces?: { readonly doctorId: string; readonly situation: number };
}

/** What a CPS tells the terminal at insertion. */
export interface CpsCardData {
  /** EF.SN.ICC serial, hex. */
  readonly serial: string;
  /** The situations in file order; unused files are skipped. */
  readonly situations: readonly CpsSituation[];
}

/** Why a situation file does not parse. */
export type CpsSituationReason = 'bad-tlv' | 'missing-field' | 'bad-field';

const PRACTICE_MODES: ReadonlyMap<number, PracticeMode> = new Map([
  [0, 'liberal'],
  [1, 'salaried'],
  [4, 'substitute'],
  [8, 'unpaid'],
]);
const STRUCTURE_TYPES = new Map([
  [1, 'cabinet'],
  [2, 'finess'],
  [3, 'siret'],
] as const);

const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/**
 * Parse the content of situation file `index`: `undefined` for an unused
 * (all zero) file. Never throws on input.
 * @example parseCpsSituation(new Uint8Array(192), 15) // ok(undefined)
 */
export function parseCpsSituation(bytes: Uint8Array, index: number): ParseResult<CpsSituation | undefined, CpsSituationReason> {
  if (bytes.every((b) => b === 0)) return ok(undefined);
  const parsed = parseTlv(bytes);
  if (!parsed.ok) return fail('bad-tlv', parsed.error.message, parsed.error.offset, `situation/${parsed.error.path}`);
  const items: readonly TlvItem[] = parsed.value;
  const field = (tag: number): Uint8Array | undefined => findTlv(items, [0xe0, tag])?.value;
  const required = ['80', '81', '82', '83', '84', '85', '86', '87', '88', '89', '8A'];
  for (const tag of required) {
    if (field(parseInt(tag, 16)) === undefined) return fail('missing-field', `situation ${index} has no tag ${tag}`, 0, `situation/E0/${tag}`);
  }
  const byte = (tag: number): number => field(tag)?.[0] ?? -1;
  const text = (tag: number): string => latin1(field(tag) ?? new Uint8Array());
  const practiceMode = PRACTICE_MODES.get(byte(0x80));
  const idType = STRUCTURE_TYPES.get(byte(0x81) as 1 | 2 | 3);
  if (practiceMode === undefined) return fail('bad-field', `situation ${index}: unknown practice mode`, 0, 'situation/E0/80');
  if (idType === undefined) return fail('bad-field', `situation ${index}: unknown structure type`, 0, 'situation/E0/81');
  const ikZone = byte(0x89);
  if (ikZone !== 0 && ikZone !== 1) return fail('bad-field', `situation ${index}: IK zone is 0 or 1`, 0, 'situation/E0/89');
  const replacedDoctor = field(0x8b);
  const replacedSituation = field(0x8c);
  if ((replacedDoctor === undefined) !== (replacedSituation === undefined) || (replacedSituation !== undefined && replacedSituation.length !== 1)) {
    return fail('bad-field', `situation ${index}: 8B and 8C go together`, 0, 'situation/E0/8B');
  }
  const rights = byte(0x8a);
  return ok({
    index,
    practiceMode,
    structure: { idType, id: text(0x82), name: text(0x83) },
    billingNumber: text(0x84),
    specialty: text(0x85),
    conventionSector: byte(0x86),
    optam: byte(0x87) === 1,
    feeZone: text(0x88),
    ikZone: ikZone === 1 ? 'mountain' : 'plain',
    rights: { signFse: (rights & 1) !== 0, signLot: (rights & 2) !== 0 },
    ...(replacedDoctor === undefined || replacedSituation === undefined ? {} : { replaces: { doctorId: latin1(replacedDoctor), situation: replacedSituation[0] ?? 0 } }),
  });
}

/** SELECT by path from the MF, FCP asked (ISO/IEC 7816-4 §11.2.2; the form OpenSC sends a CPx, DOMAIN.md). */
export function selectSituationFile(index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= CPS_SITUATION_FILES) throw new RangeError(`a situation index is 0..15, not ${index}`);
  return hex(`00 A4 09 04 06 3F00 0001 D1 ${toHex(Uint8Array.of(0x20 + index))} 00`);
}

/** READ BINARY of the selected EF from offset 0, whole file (Le = 00). */
export const READ_BINARY_ALL = hex('00 B0 00 00 00');
/** READ BINARY by SFI 1C: EF.SN.ICC, answer `5A len serial` (DOMAIN.md "Serial"). */
export const READ_SERIAL = hex('00 B0 9C 00 00');

async function expectOk(channel: CardChannel, command: Uint8Array, name: string, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const answer = await channel.transmit(command, { signal });
  if (answer.sw !== SW.OK) throw new CardOperationError({ kind: 'card-refused', sw: answer.sw, command: name });
  return answer.data;
}

/**
 * Read the serial and every situation of the CPS on `channel` (no PIN
 * needed: the files are readable always). Rejects with a
 * {@link CardOperationError} when the card refuses or its data does not
 * parse, or with the drivers' `DriverError` (card removed, mute).
 */
export async function readCpsCard(channel: CardChannel, signal?: AbortSignal): Promise<CpsCardData> {
  const serialTlv = parseTlv(await expectOk(channel, READ_SERIAL, 'READ BINARY EF.SN.ICC', signal));
  const serial = serialTlv.ok ? findTlv(serialTlv.value, '5A')?.value : undefined;
  if (serial === undefined) throw new CardOperationError({ kind: 'bad-card-data', path: 'EF.SN.ICC/5A' });
  const situations: CpsSituation[] = [];
  for (let index = 0; index < CPS_SITUATION_FILES; index++) {
    await expectOk(channel, selectSituationFile(index), `SELECT situation ${index}`, signal);
    const parsed = parseCpsSituation(await expectOk(channel, READ_BINARY_ALL, `READ BINARY situation ${index}`, signal), index);
    if (!parsed.ok) throw new CardOperationError({ kind: 'bad-card-data', path: parsed.error.path });
    if (parsed.value !== undefined) situations.push(parsed.value);
  }
  return { serial: toHex(serial), situations };
}
