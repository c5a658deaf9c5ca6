/**
 * CRC-16/CCITT-FALSE, the check of every link frame: polynomial 1021h,
 * initial value FFFFh, no reflection, no final XOR (named
 * CRC-16/IBM-3740 in Greg Cook's reveng catalogue of parametrised CRCs;
 * check value 29B1h over the ASCII digits "123456789"). Chosen because a 16-bit CRC with this polynomial detects
 * every burst of up to 16 bits and every odd number of bit errors, which
 * covers a flipped byte on a serial line; see README.
 * @module
 */

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/**
 * CRC-16/CCITT-FALSE of `bytes[start, end)`.
 * @example crc16CcittFalse(new TextEncoder().encode('123456789')) // 0x29B1
 */
export function crc16CcittFalse(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}
