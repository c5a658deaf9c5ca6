/**
 * The B2 lot file (norme B2) and its acknowledgements: the ARL per lot and a
 * NOEMIE-like return per invoice. Fixed-width ASCII records; the layout is
 * the norm's where sesamviewer's `data/b2.xml` gives it (DOMAIN.md) and OURS
 * elsewhere (README).
 * @module
 */
export { b2File, b2FileCodec, encodeB2File, parseB2File } from './b2-file.js';
export { certificationTop, MAX_B2_INVOICES, MAX_B2_LINES, MAX_B2_LOTS } from './b2-types.js';
export type { B2File, B2Ik, B2InsuranceNature, B2Invoice, B2Line, B2Lot, B2Marking } from './b2-types.js';
export { B2_RECORD_LENGTH } from './b2-layout.js';
export { b2FromLot, b2MatchesLot, lotCertification, type B2Mismatch, type B2Options } from './b2-from-lot.js';
export type { B2Reason } from './fixed-width.js';
export { ARL_LENGTH, arlCodec, encodeArl, parseArl, type Arl, type ArlCommon, type ArlStatus } from './arl.js';
export { encodeNoemieReturn, noemieReturnCodec, parseNoemieReturn } from './noemie.js';
export type { NoemieInvoice, NoemieLot, NoemieNotice, NoemiePayment, NoemieReturn, NoemieReturnType } from './noemie.js';
