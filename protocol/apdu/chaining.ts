/**
 * Command chaining (ISO/IEC 7816-4 §5.1.1.1) and the GET RESPONSE command
 * (ISO/IEC 7816-4, transmission handling commands; §7.6.1 in the 2005 edition).
 * @module
 */
import { ok, type ParseResult } from '../result.js';
import { withChaining, type ClaReason } from './cla.js';
import { commandApdu, type CommandApdu, type CommandApduFields } from './command-apdu.js';

/** The INS of GET RESPONSE (ISO/IEC 7816-4 §7.6.1 in the 2005 edition). */
export const INS_GET_RESPONSE = 0xc0;

/**
 * Split a command whose data is longer than `maxNc` into a chain: every
 * link but the last has the CLA chaining bit b5 set and no Le; the last
 * keeps the original CLA and Ne (ISO/IEC 7816-4 §5.1.1.1). Each link uses
 * the short form when its lengths fit. A command that fits is returned
 * alone, unchanged. Fails with `not-interindustry` for a proprietary CLA,
 * which has no chaining bit; throws a RangeError for `maxNc` outside 1..65535.
 * @example chainCommand(pso, 255) // ok([10 C0… 255 bytes, …, 00 … last bytes Le])
 */
export function chainCommand(apdu: CommandApdu, maxNc = 255): ParseResult<CommandApdu[], ClaReason> {
  if (!Number.isInteger(maxNc) || maxNc < 1 || maxNc > 65535) throw new RangeError(`maxNc ${maxNc} is not in 1..65535`);
  const { data } = apdu;
  if (data.length <= maxNc) return ok([apdu]);
  const chained = withChaining(apdu.cla, true);
  if (!chained.ok) return chained;
  const last = withChaining(apdu.cla, false);
  if (!last.ok) return last;
  const links: CommandApdu[] = [];
  for (let at = 0; at < data.length; at += maxNc) {
    const isLast = at + maxNc >= data.length;
    links.push(
      build({
        cla: isLast ? last.value : chained.value,
        ins: apdu.ins,
        p1: apdu.p1,
        p2: apdu.p2,
        data: data.subarray(at, at + maxNc),
        ne: isLast ? apdu.ne : 0,
      }),
    );
  }
  return ok(links);
}

/**
 * GET RESPONSE `CLA C0 00 00 Le` asking for `ne` bytes, 1..256 in the
 * short form (Le 00 = 256) or up to 65536 in the extended form when
 * `ne` > 256. Throws a RangeError for `ne` or `cla` out of range.
 * @example getResponse(0x1c) // 00 C0 00 00 1C
 */
export function getResponse(ne: number, cla = 0): CommandApdu {
  if (!Number.isInteger(ne) || ne < 1) throw new RangeError(`GET RESPONSE needs Ne in 1..65536, got ${ne}`);
  return build({ cla, ins: INS_GET_RESPONSE, p1: 0, p2: 0, ne });
}

/** commandApdu for arguments already checked by the caller: a failure here is a bug. */
function build(fields: CommandApduFields): CommandApdu {
  const r = commandApdu(fields);
  if (!r.ok) throw new RangeError(r.error.message);
  return r.value;
}

/**
 * The CLA a GET RESPONSE or 6CXX retry should carry after a command with
 * class `cla`: the same logical channel and secure messaging, chaining
 * bit cleared. Proprietary classes are kept as they are (GSM-style cards
 * expect `A0 C0`). This is our reading of ISO/IEC 7816-4 §5.4.1: the
 * standard does not spell it out.
 * @example getResponseCla(0x11) // 0x01
 */
export function getResponseCla(cla: number): number {
  const cleared = withChaining(cla, false);
  return cleared.ok ? cleared.value : cla;
}
