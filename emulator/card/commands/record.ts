/**
 * READ RECORD(S) (B2) and UPDATE RECORD (DC), even INS (ISO/IEC 7816-4
 * §7.3.3 and §7.3.5): P1 a record number (00: the current record), P2
 * b8-b4 an SFI (00000: the current EF) and b3-b1 100 (record P1), 101 (P1
 * to the last, READ RECORD only) or 110 (the last down to P1, READ RECORD
 * only). Record identifiers (b3-b1 0xx) are not supported: 6A86 (OURS).
 * @module
 */
import { concatBytes, SW, type CommandApdu } from '../../../protocol/index.js';
import { CardStatus } from '../card.js';
import type { RecordEf } from '../card-model.js';
import type { CardContext } from '../session.js';
import { recordEf } from './current-ef.js';

interface RecordReference {
  readonly sfi: number | undefined;
  readonly number: number;
  readonly mode: 'one' | 'to-last' | 'from-last';
}

function reference(cmd: CommandApdu, ctx: CardContext, multiple: boolean): RecordReference {
  const sfi = cmd.p2 >> 3;
  const mode = cmd.p2 & 0x07;
  if (sfi === 0x1f) throw new CardStatus(SW.INCORRECT_P1_P2);
  const named = mode === 0x04 ? 'one' : multiple && mode === 0x05 ? 'to-last' : multiple && mode === 0x06 ? 'from-last' : undefined;
  if (named === undefined || (cmd.p1 === 0xff)) throw new CardStatus(SW.INCORRECT_P1_P2);
  let number = cmd.p1;
  if (number === 0) {
    if (sfi !== 0 && ctx.channel.currentEf?.sfi !== sfi) throw new CardStatus(SW.RECORD_NOT_FOUND);
    number = ctx.channel.currentRecord ?? (() => { throw new CardStatus(SW.RECORD_NOT_FOUND); })();
  }
  return { sfi: sfi === 0 ? undefined : sfi, number, mode: named };
}

function record(ef: RecordEf, number: number): Uint8Array {
  return ef.records[number - 1] ?? (() => { throw new CardStatus(SW.RECORD_NOT_FOUND); })();
}

/** READ RECORD(S): one record, or several concatenated (OURS: records are not TLV-wrapped). */
export function readRecord(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length !== 0 || cmd.ne === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const ref = reference(cmd, ctx, true);
  const ef = recordEf(ctx, ref.sfi, 'read');
  const first = record(ef, ref.number);
  ctx.channel.currentRecord = ref.number;
  if (ref.mode === 'one') return first;
  const numbers = ef.records.map((_, i) => i + 1).filter((n) => n >= ref.number);
  if (ref.mode === 'from-last') numbers.reverse();
  return concatBytes(...numbers.map((n) => record(ef, n)));
}

/** UPDATE RECORD: replaces a record (linear fixed: same size, else 6700; variable: 1 to recordSize bytes), then persists. */
export function updateRecord(cmd: CommandApdu, ctx: CardContext): Uint8Array {
  if (cmd.data.length === 0 || cmd.ne !== 0) throw new CardStatus(SW.WRONG_LENGTH);
  const ref = reference(cmd, ctx, false);
  const ef = recordEf(ctx, ref.sfi, 'update');
  record(ef, ref.number);
  const fits = ef.structure === 'linear-fixed' ? cmd.data.length === ef.recordSize : cmd.data.length <= ef.recordSize;
  if (!fits) throw new CardStatus(SW.WRONG_LENGTH);
  ef.records[ref.number - 1] = cmd.data.slice();
  ctx.channel.currentRecord = ref.number;
  ctx.persist();
  return new Uint8Array(0);
}
