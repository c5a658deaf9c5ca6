/**
 * `terminal/securing/`: an FSE built from a priced visit, secured with the
 * carte Vitale (mode S) and the CPS, and verified with the certificates.
 * @module
 */
export { localDate, localDateTime, type TerminalClock } from './local-time.js';
export { cpsSignature, readCpsSigner, signDigest, vitaleCryptogram, type CpsSigner } from './card-signing.js';
export { buildFse, destinationOf, securingModeOf, UNKNOWN_COVERAGE, type DeviceInfo, type FseBuildReason, type FseDraft, type Fund, type ReplacedDoctors, type VisitPatient } from './build-fse.js';
export { secureFse, type SecuredFseResult, type SecuringCards } from './secure-fse.js';
