/**
 * vsmartcard's vpcd wire format: length-prefixed frames, the controls and
 * APDUs they carry, and an incremental framer for TCP streams.
 * @module
 */
export {
  encodeVpcdFrame,
  parseVpcdFrame,
  parseVpcdFramePrefix,
  VPCD_LENGTH_BYTES,
  VPCD_MAX_PAYLOAD,
  vpcdFrameCodec,
  type VpcdReason,
} from './frame.js';
export { encodeVpcdMessage, parseVpcdMessage, VPCD_CONTROL, vpcdMessageCodec, type VpcdControl, type VpcdMessage } from './message.js';
export { createVpcdFramer, type VpcdFramer, type VpcdFramerOptions, type VpcdPushResult } from './framer.js';
