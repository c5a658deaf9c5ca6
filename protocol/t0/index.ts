/**
 * T=0 (ISO/IEC 7816-3 §10, §12.2): the reader and card ends of the
 * character protocol as pure state machines.
 * @module
 */
export { isSw1, isT0Ins, NULL_BYTE, t0Error, type T0Reason, type T0Transition } from './tpdu.js';
export {
  startT0Reader,
  stepT0Reader,
  type T0ReaderEvent,
  type T0ReaderOptions,
  type T0ReaderOutput,
  type T0ReaderPhase,
  type T0ReaderState,
  type T0ReaderTransition,
} from './t0-reader.js';
export {
  ISO_OUTGOING_INS,
  startT0Card,
  stepT0Card,
  type T0CardEvent,
  type T0CardOptions,
  type T0CardOutput,
  type T0CardState,
  type T0CardTransition,
  type T0HeldResponse,
} from './t0-card.js';
