/**
 * The core INS table (ISO/IEC 7816-4 §7 and ISO/IEC 7816-8): one handler
 * per instruction, all with the {@link InsHandler} signature.
 * @module
 */
import type { InsHandler } from '../session.js';
import { readBinary, updateBinary } from './binary.js';
import { getChallenge, manageChannel } from './channel.js';
import { internalAuthenticate, manageSecurityEnvironment, performSecurityOperation } from './crypto.js';
import { getData, getDataOdd } from './get-data.js';
import { getResponse } from './get-response.js';
import { changeReferenceData, resetRetryCounter, verify } from './pin.js';
import { readRecord, updateRecord } from './record.js';
import { select } from './select.js';

/** INS → handler of the generic card. */
export const coreHandlers: ReadonlyMap<number, InsHandler> = new Map<number, InsHandler>([
  [0xa4, select],
  [0xb0, readBinary],
  [0xd6, updateBinary],
  [0xb2, readRecord],
  [0xdc, updateRecord],
  [0xca, getData],
  [0xcb, getDataOdd],
  [0x84, getChallenge],
  [0x20, verify],
  [0x24, changeReferenceData],
  [0x2c, resetRetryCounter],
  [0x22, manageSecurityEnvironment],
  [0x2a, performSecurityOperation],
  [0x88, internalAuthenticate],
  [0xc0, getResponse],
  [0x70, manageChannel],
]);
