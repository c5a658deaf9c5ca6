/**
 * `terminal/capture/`: the visit-capture statechart (read the Vitale or
 * key the patient in, choose the beneficiary and the acts, review, secure,
 * store), its actors, pure model and screens.
 * @module
 */
export { visitMachine, menuOf, type VisitContext, type VisitEvent, type VisitInput, type VisitOutput, type VisitResult } from './visit.machine.js';
export { visitView, type VisitSnapshotLike } from './visit-view.js';
export { FseBuildError, readVitale, secureVisit, secureVisitNow, storeFse, type SecuredVisit, type SecureVisitInput } from './capture-actors.js';
export {
  actMenuItems,
  captureFailureOf,
  coverageOf,
  EMPTY_CHOICE,
  KEYED_LENGTH,
  KEYED_ORDER,
  keyedBirthDate,
  keyedValid,
  menuLine,
  priceChoice,
  problemOf,
  rightsExpired,
  toggleAct,
  type ActMenuItem,
  type CaptureFailure,
  type VisitChoice,
} from './visit-model.js';
export { captureScreenOf, euros, isCaptureView, renderCaptureView, type AnyView, type CaptureProblem, type CaptureView, type KeyedField } from '../ui/capture-screens.js';
