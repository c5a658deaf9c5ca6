/**
 * APDUs (ISO/IEC 7816-4 §5): command and response codecs, the class byte,
 * the status word catalogue, command chaining and the GET RESPONSE / 6CXX
 * exchange plan.
 * @module
 */
export {
  caseOf,
  commandApdu,
  commandApduCodec,
  encodeCommandApdu,
  parseCommandApdu,
  MAX_NC,
  MAX_NE,
  type ApduCase,
  type CommandApdu,
  type CommandApduFields,
  type CommandApduReason,
} from './command-apdu.js';
export {
  decodeCla,
  encodeCla,
  withChaining,
  withChannel,
  type ClaInfo,
  type ClaReason,
  type InterindustryCla,
  type SecureMessaging,
} from './cla.js';
export {
  encodeResponseApdu,
  parseResponseApdu,
  responseApdu,
  responseApduCodec,
  sw1,
  sw2,
  type ResponseApdu,
  type ResponseApduReason,
} from './response-apdu.js';
export { SW, SW1_GROUPS, SW_CATALOGUE, type SwKind, type SwParameter, type SwRow } from './status-words.js';
export { describeSw, type SwDescription } from './describe-sw.js';
export { chainCommand, getResponse, getResponseCla, INS_GET_RESPONSE } from './chaining.js';
export {
  exchangePlan,
  nextStep,
  type ExchangeOptions,
  type ExchangeReason,
  type ExchangeState,
  type ExchangeStep,
} from './exchange.js';
export { instructionName } from './instructions.js';
export {
  CPS_AUTHENTICATION_KEY_REFERENCE,
  CPS_PIN_REFERENCE,
  CPS_SIGNATURE_KEY_REFERENCE,
  cpsPinBlock,
  internalAuthenticate,
  mseSetAuthentication,
  mseSetSignature,
  psoComputeSignature,
  readBinary,
  RSA_PKCS,
  selectCpsFile,
  SHA256_DIGEST_INFO_PREFIX,
  SHA256_LENGTH,
  SHA256_RSA_PKCS,
  sha256DigestInfo,
  verifyCommand,
  VITALE_KEY_REFERENCE,
} from './security-commands.js';
