/**
 * The status word catalogue of ISO/IEC 7816-4 §5.6 (tables 5 and 6), as
 * data: named constants and the rows `describeSw` looks up.
 * @module
 */

/** The four kinds of interindustry status (ISO/IEC 7816-4 §5.6, table 5), plus proprietary and invalid values. */
export type SwKind = 'normal' | 'warning' | 'execution-error' | 'checking-error' | 'proprietary' | 'invalid';

/** Which number the low bits of a status word carry, if any. */
export type SwParameter = 'available' | 'triesLeft' | 'correctLe';

/**
 * One catalogue row: the status words `first..last` (inclusive) share a
 * kind and a meaning; `parameter` names what SW2 (or its low nibble for
 * 63CX) counts.
 */
export interface SwRow {
  readonly first: number;
  readonly last: number;
  readonly kind: SwKind;
  readonly meaning: string;
  readonly parameter?: SwParameter;
}

/** Named status words of ISO/IEC 7816-4 §5.6, table 6. */
export const SW = {
  OK: 0x9000,
  WARNING: 0x6200,
  DATA_MAY_BE_CORRUPTED: 0x6281,
  END_OF_FILE: 0x6282,
  FILE_DEACTIVATED: 0x6283,
  BAD_FCI_FORMAT: 0x6284,
  FILE_TERMINATED: 0x6285,
  NO_SENSOR_DATA: 0x6286,
  RECORD_DEACTIVATED: 0x6287,
  WARNING_NVM_CHANGED: 0x6300,
  COMPARISON_FAILED: 0x6340,
  FILE_FILLED: 0x6381,
  EXECUTION_ERROR: 0x6400,
  IMMEDIATE_RESPONSE_REQUIRED: 0x6401,
  EXECUTION_ERROR_NVM_CHANGED: 0x6500,
  MEMORY_FAILURE: 0x6581,
  SECURITY_ERROR: 0x6600,
  WRONG_LENGTH: 0x6700,
  CLA_FUNCTION_NOT_SUPPORTED: 0x6800,
  LOGICAL_CHANNEL_NOT_SUPPORTED: 0x6881,
  SECURE_MESSAGING_NOT_SUPPORTED: 0x6882,
  LAST_COMMAND_OF_CHAIN_EXPECTED: 0x6883,
  CHAINING_NOT_SUPPORTED: 0x6884,
  COMMAND_NOT_ALLOWED: 0x6900,
  INCOMPATIBLE_FILE_STRUCTURE: 0x6981,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  NO_CURRENT_EF: 0x6986,
  SM_OBJECTS_MISSING: 0x6987,
  SM_OBJECTS_INCORRECT: 0x6988,
  WRONG_PARAMETERS: 0x6a00,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  NOT_ENOUGH_MEMORY: 0x6a84,
  NC_INCONSISTENT_WITH_TLV: 0x6a85,
  INCORRECT_P1_P2: 0x6a86,
  NC_INCONSISTENT_WITH_P1_P2: 0x6a87,
  REFERENCED_DATA_NOT_FOUND: 0x6a88,
  FILE_EXISTS: 0x6a89,
  DF_NAME_EXISTS: 0x6a8a,
  WRONG_P1_P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

function row(first: number, last: number, kind: SwKind, meaning: string, parameter?: SwParameter): SwRow {
  return parameter === undefined ? { first, last, kind, meaning } : { first, last, kind, meaning, parameter };
}

/**
 * Every status word ISO/IEC 7816-4 §5.6 (table 6) defines, most specific
 * first: a lookup takes the first row whose range holds the SW.
 */
export const SW_CATALOGUE: readonly SwRow[] = [
  row(0x9000, 0x9000, 'normal', 'No further qualification'),
  row(0x6100, 0x61ff, 'normal', 'Response bytes still available (SW2 = count, 00 = 256 or more)', 'available'),

  row(0x6200, 0x6200, 'warning', 'No information given (non-volatile memory unchanged)'),
  row(0x6202, 0x6280, 'warning', 'Triggering by the card (non-volatile memory unchanged)'),
  row(0x6281, 0x6281, 'warning', 'Part of returned data may be corrupted'),
  row(0x6282, 0x6282, 'warning', 'End of file or record reached before reading Ne bytes, or unsuccessful search'),
  row(0x6283, 0x6283, 'warning', 'Selected file deactivated'),
  row(0x6284, 0x6284, 'warning', 'File or data control information not formatted according to ISO/IEC 7816-4 §7.4'),
  row(0x6285, 0x6285, 'warning', 'Selected file in termination state'),
  row(0x6286, 0x6286, 'warning', 'No input data available from a sensor on the card'),
  row(0x6287, 0x6287, 'warning', 'At least one of the referenced records is deactivated'),
  row(0x6300, 0x6300, 'warning', 'No information given (non-volatile memory changed)'),
  row(0x6340, 0x6340, 'warning', 'Unsuccessful comparison'),
  row(0x6381, 0x6381, 'warning', 'File filled up by the last write'),
  row(0x63c0, 0x63cf, 'warning', 'Counter (tries left) encoded in the low nibble', 'triesLeft'),

  row(0x6400, 0x6400, 'execution-error', 'Execution error (non-volatile memory unchanged)'),
  row(0x6401, 0x6401, 'execution-error', 'Immediate response required by the card'),
  row(0x6402, 0x6480, 'execution-error', 'Triggering by the card (non-volatile memory unchanged)'),
  row(0x6500, 0x6500, 'execution-error', 'Execution error (non-volatile memory changed)'),
  row(0x6581, 0x6581, 'execution-error', 'Memory failure'),
  row(0x6600, 0x66ff, 'execution-error', 'Security-related issue'),

  row(0x6700, 0x6700, 'checking-error', 'Wrong length'),
  row(0x6800, 0x6800, 'checking-error', 'Function in CLA not supported'),
  row(0x6881, 0x6881, 'checking-error', 'Logical channel not supported'),
  row(0x6882, 0x6882, 'checking-error', 'Secure messaging not supported'),
  row(0x6883, 0x6883, 'checking-error', 'Last command of the chain expected'),
  row(0x6884, 0x6884, 'checking-error', 'Command chaining not supported'),
  row(0x6900, 0x6900, 'checking-error', 'Command not allowed'),
  row(0x6981, 0x6981, 'checking-error', 'Command incompatible with file structure'),
  row(0x6982, 0x6982, 'checking-error', 'Security status not satisfied'),
  row(0x6983, 0x6983, 'checking-error', 'Authentication method blocked'),
  row(0x6984, 0x6984, 'checking-error', 'Reference data not usable'),
  row(0x6985, 0x6985, 'checking-error', 'Conditions of use not satisfied'),
  row(0x6986, 0x6986, 'checking-error', 'Command not allowed (no current EF)'),
  row(0x6987, 0x6987, 'checking-error', 'Expected secure messaging data objects missing'),
  row(0x6988, 0x6988, 'checking-error', 'Incorrect secure messaging data objects'),
  row(0x6a00, 0x6a00, 'checking-error', 'Wrong parameters P1-P2'),
  row(0x6a80, 0x6a80, 'checking-error', 'Incorrect parameters in the command data field'),
  row(0x6a81, 0x6a81, 'checking-error', 'Function not supported'),
  row(0x6a82, 0x6a82, 'checking-error', 'File or application not found'),
  row(0x6a83, 0x6a83, 'checking-error', 'Record not found'),
  row(0x6a84, 0x6a84, 'checking-error', 'Not enough memory space in the file'),
  row(0x6a85, 0x6a85, 'checking-error', 'Nc inconsistent with TLV structure'),
  row(0x6a86, 0x6a86, 'checking-error', 'Incorrect parameters P1-P2'),
  row(0x6a87, 0x6a87, 'checking-error', 'Nc inconsistent with parameters P1-P2'),
  row(0x6a88, 0x6a88, 'checking-error', 'Referenced data or reference data not found'),
  row(0x6a89, 0x6a89, 'checking-error', 'File already exists'),
  row(0x6a8a, 0x6a8a, 'checking-error', 'DF name already exists'),
  row(0x6b00, 0x6b00, 'checking-error', 'Wrong parameters P1-P2'),
  row(0x6c00, 0x6cff, 'checking-error', 'Wrong Le field (SW2 = exact number of available bytes, 00 = 256)', 'correctLe'),
  row(0x6d00, 0x6d00, 'checking-error', 'Instruction code not supported or invalid'),
  row(0x6e00, 0x6e00, 'checking-error', 'Class not supported'),
  row(0x6f00, 0x6f00, 'checking-error', 'No precise diagnosis'),
];

/**
 * What an SW1 says when its SW2 is not in {@link SW_CATALOGUE} (ISO/IEC
 * 7816-4 §5.6, table 5). Other 6X values and 9X (except 9000) are
 * proprietary.
 */
export const SW1_GROUPS: ReadonlyMap<number, { readonly kind: SwKind; readonly meaning: string }> = new Map([
  [0x62, { kind: 'warning', meaning: 'Warning, non-volatile memory unchanged (SW2 not defined by ISO/IEC 7816-4)' }],
  [0x63, { kind: 'warning', meaning: 'Warning, non-volatile memory changed (SW2 not defined by ISO/IEC 7816-4)' }],
  [0x64, { kind: 'execution-error', meaning: 'Execution error, non-volatile memory unchanged (SW2 not defined by ISO/IEC 7816-4)' }],
  [0x65, { kind: 'execution-error', meaning: 'Execution error, non-volatile memory changed (SW2 not defined by ISO/IEC 7816-4)' }],
  [0x68, { kind: 'checking-error', meaning: 'Function in CLA not supported (SW2 not defined by ISO/IEC 7816-4)' }],
  [0x69, { kind: 'checking-error', meaning: 'Command not allowed (SW2 not defined by ISO/IEC 7816-4)' }],
  [0x6a, { kind: 'checking-error', meaning: 'Wrong parameters P1-P2 (SW2 not defined by ISO/IEC 7816-4)' }],
] as const);
