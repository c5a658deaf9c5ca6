/**
 * The NIR (numéro d'inscription au répertoire, French social security
 * number): text parsing and validation, key computation, the smart
 * constructor and formatting, the 15-byte ASCII form the carte Vitale
 * stores, and a description for people and JSON.
 * @module
 */
export { MAX_NIR_TEXT_LENGTH, NIR_BODY_LENGTH, NIR_LENGTH, type NirReason, type NirSex } from './nir-rules.js';
export { formatNir, nir, nirKey, parseNir, validateNir, type Nir, type NirFields, type NirStyle, type NirValidity } from './nir.js';
export { encodeNirAscii, nirAsciiCodec, parseNirAscii, type NirAsciiReason } from './nir-ascii.js';
export {
  describeNir,
  nirReport,
  type NirBirthPlace,
  type NirDescription,
  type NirPlaceKind,
  type NirRegistration,
  type NirReport,
} from './describe-nir.js';
