/**
 * Card profiles built from personas on the one card core: the CPS3, the
 * carte Vitale 2 and the carte Vitale 1.
 * @module
 */
export {
  bcdDate,
  CPS3_AID,
  CPS3_ATR,
  CPS_AUTH_KEY_REFERENCE,
  CPS_MAX_APDU_DATA,
  CPS_PIN_REFERENCE,
  CPS_SIGN_KEY_REFERENCE,
  CPS_SITUATION_FILES,
  cpsImage,
  efAtrContent,
  situationContent,
  type CpsImageOptions,
  type CpsKeyMaterial,
  type CpsPki,
} from './cps-image.js';
export { cpsCardOptions, loadCpsPki, openCps, ProfileOpenError, type OpenCpsOptions } from './cps.js';
export {
  VITALE1_ATR,
  VITALE2_ATR,
  VITALE_CARD_KEY_REFERENCE,
  VITALE_DF_FID,
  VITALE_FID,
  VITALE_IDENTITY_FID,
  vitale1Image,
  vitaleImage,
  type VitaleImageOptions,
  type VitaleKeyMaterial,
} from './vitale-image.js';
export {
  amoRightsContent,
  asciiDate,
  beneficiariesContent,
  COVERAGE_SITUATION_CODE,
  coverageContent,
  directoryContent,
  efDirContent,
  identityContent,
  insuredContent,
  MF_VITALE_AID,
  nirContent,
  VITALE_AID,
  type DirectoryApplication,
  type DirectoryFile,
} from './vitale-data.js';
export { loadVitalePki, openVitale, patientCardImage, type OpenVitaleOptions } from './vitale.js';
