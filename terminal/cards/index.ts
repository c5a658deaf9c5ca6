/**
 * `terminal/cards/`: reading the carte Vitale (groups 101, 104, 105, 106
 * and the card certificate) and the card I/O helpers it shares with the
 * securing steps.
 * @module
 */
export { READ_CHUNK, readTransparent, transmitOk } from './card-io.js';
export {
  MAX_BENEFICIARIES,
  type Parsed as VitaleParsed,
  parseVitaleBeneficiaries,
  parseVitaleInsured,
  parseVitaleRights,
  readVitaleCard,
  SELECT_VITALE_APPLICATION,
  selectVitaleFile,
  trimDer,
  VITALE_FILES,
  vitaleCardData,
  type VitaleBeneficiary,
  type VitaleCardData,
  type VitaleDataReason,
  type VitaleIdentity,
  type VitaleInsured,
  type VitaleInsuredFile,
} from './vitale-card.js';
