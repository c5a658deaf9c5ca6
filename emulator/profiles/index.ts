/**
 * Card profiles built from personas on the one card core: the CPS3 (and,
 * with the Vitale helpers, the cartes Vitale).
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
export { cpsCardOptions, CpsOpenError, loadCpsPki, openCps, type OpenCpsOptions } from './cps.js';
