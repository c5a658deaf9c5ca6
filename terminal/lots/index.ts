/**
 * `terminal/lots/`: the day's lots (issue 6 "Lots"): stored FSEs grouped by
 * destination organisation (as the capture stored it),
 * at most 999 a lot, numbered per destination 001-999 with wrap, signed
 * with the CPS (PIN asked again when the session lapsed) and recorded.
 * @module
 */
export { isPinRequired } from './cps-signature.js';
export { groupForLots, lotCandidate, planStoredLots, type LotCandidate, type LotGroup, type LotPlan, type UnbatchableFse } from './lot-plan.js';
export { commitStoredLot, LotValueError, lotsFailureOf, prepareLot, type LotDevice, type LotSigningInput, type LotsFailure } from './lot-signing.js';
export {
  commitLot,
  lotsMachine,
  lotsView,
  planLots,
  readCertificate,
  signLot,
  type LotsContext,
  type LotsEmitted,
  type LotsEvent,
  type LotsInput,
  type LotsOutput,
  type LotsResult,
  type LotsSnapshotLike,
} from './lots.machine.js';
