/**
 * Instruction names of ISO/IEC 7816-4 §11 (and 7816-8/-9 where cards of the
 * SESAM-Vitale chain use them), for explanations and traces.
 * @module
 */

/** Instruction byte → command name, ISO/IEC 7816-4 Table 4 and 7816-8/-9. */
const INSTRUCTIONS: ReadonlyMap<number, string> = new Map([
  [0x04, 'DEACTIVATE FILE'],
  [0x0c, 'ERASE RECORD(S)'],
  [0x0e, 'ERASE BINARY'],
  [0x0f, 'ERASE BINARY'],
  [0x10, 'PERFORM SCQL OPERATION'],
  [0x12, 'PERFORM TRANSACTION OPERATION'],
  [0x14, 'PERFORM USER OPERATION'],
  [0x20, 'VERIFY'],
  [0x21, 'VERIFY'],
  [0x22, 'MANAGE SECURITY ENVIRONMENT'],
  [0x24, 'CHANGE REFERENCE DATA'],
  [0x26, 'DISABLE VERIFICATION REQUIREMENT'],
  [0x28, 'ENABLE VERIFICATION REQUIREMENT'],
  [0x2a, 'PERFORM SECURITY OPERATION'],
  [0x2c, 'RESET RETRY COUNTER'],
  [0x44, 'ACTIVATE FILE'],
  [0x46, 'GENERATE ASYMMETRIC KEY PAIR'],
  [0x70, 'MANAGE CHANNEL'],
  [0x82, 'EXTERNAL AUTHENTICATE'],
  [0x84, 'GET CHALLENGE'],
  [0x86, 'GENERAL AUTHENTICATE'],
  [0x87, 'GENERAL AUTHENTICATE'],
  [0x88, 'INTERNAL AUTHENTICATE'],
  [0xa0, 'SEARCH BINARY'],
  [0xa1, 'SEARCH BINARY'],
  [0xa2, 'SEARCH RECORD'],
  [0xa4, 'SELECT'],
  [0xb0, 'READ BINARY'],
  [0xb1, 'READ BINARY'],
  [0xb2, 'READ RECORD(S)'],
  [0xb3, 'READ RECORD(S)'],
  [0xc0, 'GET RESPONSE'],
  [0xc2, 'ENVELOPE'],
  [0xc3, 'ENVELOPE'],
  [0xca, 'GET DATA'],
  [0xcb, 'GET DATA'],
  [0xd0, 'WRITE BINARY'],
  [0xd1, 'WRITE BINARY'],
  [0xd2, 'WRITE RECORD'],
  [0xd6, 'UPDATE BINARY'],
  [0xd7, 'UPDATE BINARY'],
  [0xda, 'PUT DATA'],
  [0xdb, 'PUT DATA'],
  [0xdc, 'UPDATE RECORD'],
  [0xdd, 'UPDATE RECORD'],
  [0xe0, 'CREATE FILE'],
  [0xe2, 'APPEND RECORD'],
  [0xe4, 'DELETE FILE'],
  [0xe6, 'TERMINATE DF'],
  [0xe8, 'TERMINATE EF'],
  [0xfe, 'TERMINATE CARD USAGE'],
]);

/** PERFORM SECURITY OPERATION P1-P2 → operation, ISO/IEC 7816-8 §5. */
const SECURITY_OPERATIONS: ReadonlyMap<number, string> = new Map([
  [0x9e9a, 'COMPUTE DIGITAL SIGNATURE'],
  [0x90a0, 'HASH'],
  [0x00a8, 'VERIFY DIGITAL SIGNATURE'],
  [0x00ae, 'VERIFY CERTIFICATE'],
  [0x8e80, 'COMPUTE CRYPTOGRAPHIC CHECKSUM'],
  [0x00a2, 'VERIFY CRYPTOGRAPHIC CHECKSUM'],
  [0x9080, 'HASH'],
  // P1 is the tag of the response, P2 the tag of the command data.
  [0x8680, 'ENCIPHER'],
  [0x8086, 'DECIPHER'],
]);

/**
 * The command's name from its INS (and P1-P2 for PERFORM SECURITY
 * OPERATION), or `undefined` for an instruction 7816-4 does not define.
 * @example instructionName(0xa4, 0x04, 0x00) // 'SELECT'
 */
export function instructionName(ins: number, p1 = 0, p2 = 0): string | undefined {
  const name = INSTRUCTIONS.get(ins);
  if (ins === 0x2a) {
    const op = SECURITY_OPERATIONS.get((p1 << 8) | p2);
    if (op !== undefined) return `${name}: ${op}`;
  }
  return name;
}
