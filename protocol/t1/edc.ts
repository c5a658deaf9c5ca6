/**
 * The epilogue field of a T=1 block: the error detection code (ISO/IEC
 * 7816-3 §11.3.4). TC3 of the ATR chooses it: LRC (the default) or CRC.
 * @module
 */

/** Which error detection code closes each block (ISO/IEC 7816-3 §11.3.4, TC3 b1). */
export type T1Edc = 'lrc' | 'crc';

/** Number of epilogue bytes for `edc`: 1 for LRC, 2 for CRC. */
export function edcLength(edc: T1Edc): number {
  return edc === 'lrc' ? 1 : 2;
}

/**
 * LRC: the exclusive-or of every byte of the prologue and information
 * fields (ISO/IEC 7816-3 §11.3.4.1).
 * @example lrc(hex('00 C1 01 FE')) // 0x3E
 */
export function lrc(bytes: Uint8Array, end = bytes.length): number {
  let x = 0;
  for (let i = 0; i < end; i++) x ^= bytes[i]!;
  return x;
}

// CRC of ISO/IEC 7816-3 §11.3.4.2 (ISO/IEC 13239 polynomial x^16 + x^12 + x^5 + 1),
// computed LSB first (reflected polynomial 0x8408) from FFFF with no final
// inversion, as libccid and the cards it drives do (CRC-16/MCRF4XX).
const CRC_TABLE = Uint16Array.from({ length: 256 }, (_, n) => {
  let v = n;
  for (let k = 0; k < 8; k++) v = v & 1 ? (v >>> 1) ^ 0x8408 : v >>> 1;
  return v;
});

/**
 * The 16-bit T=1 CRC of `bytes[0..end)` (ISO/IEC 7816-3 §11.3.4.2). The
 * block carries it high byte first.
 * @example crc16(new TextEncoder().encode('123456789')) // 0x6F91
 */
export function crc16(bytes: Uint8Array, end = bytes.length): number {
  let v = 0xffff;
  for (let i = 0; i < end; i++) v = (v >>> 8) ^ CRC_TABLE[(v ^ bytes[i]!) & 0xff]!;
  return v;
}

/**
 * Write the epilogue of `edc` over `block[0..end)` at `block[end]`
 * (and `block[end + 1]` for CRC).
 */
export function writeEdc(edc: T1Edc, block: Uint8Array, end: number): void {
  if (edc === 'lrc') {
    block[end] = lrc(block, end);
    return;
  }
  const v = crc16(block, end);
  block[end] = v >>> 8;
  block[end + 1] = v & 0xff;
}

/** True when the epilogue at `block[end..]` matches `block[0..end)`. */
export function checkEdc(edc: T1Edc, block: Uint8Array, end: number): boolean {
  if (edc === 'lrc') return block[end] === lrc(block, end);
  const v = crc16(block, end);
  return block[end] === v >>> 8 && block[end + 1] === (v & 0xff);
}
