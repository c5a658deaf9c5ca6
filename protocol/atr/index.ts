/**
 * The Answer-to-Reset (ISO/IEC 7816-3 §8): a byte-exact codec, the
 * conventions, the meaning of the interface bytes, the historical bytes
 * (ISO/IEC 7816-4 §8.1.1), a JSON view and a human explanation.
 * @module
 */
export {
  atrCodec,
  computeTck,
  encodeAtr,
  parseAtr,
  tckRequired,
  tckStatus,
  withTck,
  MAX_ATR_LENGTH,
  type Atr,
  type AtrReason,
  type InterfaceGroup,
  type TckStatus,
} from './atr.js';
export { fromInverseConvention, toInverseConvention, TS_DIRECT, TS_INVERSE, type AtrConvention } from './convention.js';
export {
  firstByteFor,
  interpretAtr,
  protocolsOffered,
  DI_TABLE,
  FI_TABLE,
  FMAX_TABLE,
  type AtrParameters,
  type ClockStop,
  type Edc,
  type SpecificMode,
  type T0Parameters,
  type T1Parameters,
  type T15Parameters,
} from './parameters.js';
export {
  decodeHistorical,
  describeCardCapabilities,
  describeCardServiceData,
  describeLcs,
  HISTORICAL_TAGS,
  type HistoricalBytes,
  type HistoricalKind,
  type StatusIndicator,
} from './historical.js';
export {
  atrToJson,
  indicatorOf,
  tdByte,
  type AtrJson,
  type HistoricalJson,
  type HistoricalObjectJson,
  type InterfaceGroupJson,
} from './atr-json.js';
export { explainAtr } from './explain.js';
