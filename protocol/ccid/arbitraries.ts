/**
 * fast-check arbitraries for CCID values. Test-only: not exported by the
 * folder's index.
 * @module
 */
import { fc } from '@fast-check/ava';
import type { CcidClassDescriptor } from './class-descriptor.js';
import type { CcidCommand, MechanicalFunction, PowerSelect } from './command.js';
import type { CcidInterrupt } from './interrupt.js';
import type { PinOperation } from './pin-operation.js';
import type { ProtocolParameters } from './protocol-data.js';
import type { CcidResponse } from './response.js';
import type { SlotStatus } from './slot-status.js';

const byte = fc.integer({ min: 0, max: 0xff });
const nibble = fc.integer({ min: 0, max: 15 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const data = (maxLength = 300) => fc.uint8Array({ maxLength });
const address = { slot: byte, seq: byte };
const clockStop = fc.constantFrom('not-allowed', 'low', 'high', 'either' as const);

/** A T=0 or T=1 protocol data structure. */
export function arbProtocolParameters(): fc.Arbitrary<ProtocolParameters> {
  const common = { fi: nibble, di: nibble, inverseConvention: fc.boolean(), guardTime: byte, clockStop };
  return fc.oneof(
    fc.record({ protocol: fc.constant('T=0' as const), ...common, wi: byte }),
    fc.record({
      protocol: fc.constant('T=1' as const),
      ...common,
      checksum: fc.constantFrom('lrc', 'crc' as const),
      bwi: nibble,
      cwi: nibble,
      ifsc: byte,
      nad: byte,
    }),
  );
}

const entry = {
  timeOut: byte,
  formatString: byte,
  pinBlockString: byte,
  pinLengthFormat: byte,
  pinMaxExtraDigit: fc.record({ min: byte, max: byte }),
  entryValidationCondition: byte,
  langId: u16,
  teoPrologue: fc.uint8Array({ minLength: 3, maxLength: 3 }),
  apdu: data(40),
};

/** Any Secure abData with a bPINOperation. */
export function arbPinOperation(): fc.Arbitrary<PinOperation> {
  return fc.oneof(
    fc.record({ operation: fc.constant('verify' as const), ...entry, numberMessage: byte, msgIndex: byte }),
    fc.constantFrom(0, 1, 2, 3, 0xff).chain((numberMessage) =>
      fc.record({
        operation: fc.constant('modify' as const),
        ...entry,
        numberMessage: fc.constant(numberMessage),
        insertionOffsetOld: byte,
        insertionOffsetNew: byte,
        confirmPin: byte,
        msgIndex: fc.array(byte, { minLength: numberMessage === 0 ? 1 : numberMessage >= 3 ? 3 : 2, maxLength: numberMessage === 0 ? 1 : numberMessage >= 3 ? 3 : 2 }),
      }),
    ),
    fc.record({
      operation: fc.constantFrom('transfer-pin', 'wait-icc-response', 'cancel-pin', 'resend-i-block', 'send-next-apdu-part' as const),
      data: data(20),
    }),
  );
}

/** Any valid bulk-out message. */
export function arbCcidCommand(): fc.Arbitrary<CcidCommand> {
  return fc.oneof(
    fc.record({ type: fc.constantFrom('icc-power-off', 'get-slot-status', 'get-parameters', 'reset-parameters', 'abort' as const), ...address }),
    fc.record({ type: fc.constant('icc-power-on' as const), ...address, powerSelect: fc.constantFrom<PowerSelect>('auto', '5.0V', '3.0V', '1.8V') }),
    fc.record({ type: fc.constant('xfr-block' as const), ...address, bwi: byte, levelParameter: u16, data: data() }),
    fc.record({ type: fc.constant('set-parameters' as const), ...address, parameters: arbProtocolParameters() }),
    fc.record({ type: fc.constant('escape' as const), ...address, data: data() }),
    fc.record({ type: fc.constant('icc-clock' as const), ...address, clockCommand: fc.constantFrom('restart', 'stop' as const) }),
    fc.record({
      type: fc.constant('t0-apdu' as const),
      ...address,
      changeClassGetResponse: fc.boolean(),
      changeClassEnvelope: fc.boolean(),
      classGetResponse: byte,
      classEnvelope: byte,
    }),
    fc.record({ type: fc.constant('secure' as const), ...address, bwi: byte, levelParameter: fc.constantFrom(0, 1), pin: arbPinOperation() }),
    fc.record({
      type: fc.constant('secure' as const),
      ...address,
      bwi: byte,
      levelParameter: fc.integer({ min: 2, max: 0xffff }),
      pin: fc.record({ operation: fc.constant('continuation' as const), data: data() }),
    }),
    fc.record({
      type: fc.constant('mechanical' as const),
      ...address,
      function: fc.constantFrom<MechanicalFunction>('accept-card', 'eject-card', 'capture-card', 'lock-card', 'unlock-card'),
    }),
    fc.record({ type: fc.constant('set-data-rate-and-clock-frequency' as const), ...address, clockFrequency: u32, dataRate: u32 }),
  );
}

const status: { [K in keyof SlotStatus]: fc.Arbitrary<SlotStatus[K]> } = {
  iccStatus: fc.constantFrom('present-active', 'present-inactive', 'absent' as const),
  commandStatus: fc.constantFrom('ok', 'failed', 'time-extension' as const),
  error: byte,
};

/** Any valid bulk-in message. */
export function arbCcidResponse(): fc.Arbitrary<CcidResponse> {
  const base = { ...address, ...status };
  return fc.oneof(
    fc.record({ type: fc.constant('data-block' as const), ...base, chainParameter: byte, data: data() }),
    fc.record({
      type: fc.constant('slot-status' as const),
      ...base,
      clockStatus: fc.constantFrom('running', 'stopped-low', 'stopped-high', 'stopped-unknown' as const),
    }),
    fc.record({
      type: fc.constant('parameters' as const),
      ...base,
      parameters: fc.oneof(arbProtocolParameters(), fc.record({ protocol: fc.constant('none' as const), protocolNum: byte })),
    }),
    fc.record({ type: fc.constant('escape' as const), ...base, data: data() }),
    fc.record({ type: fc.constant('data-rate-and-clock-frequency' as const), ...base, clockFrequency: u32, dataRate: u32 }),
  );
}

/** Any valid interrupt-in message. */
export function arbCcidInterrupt(): fc.Arbitrary<CcidInterrupt> {
  const slot = fc.record({ present: fc.boolean(), changed: fc.boolean() });
  return fc.oneof(
    fc.integer({ min: 1, max: 64 }).chain((bytes) =>
      fc.record({ type: fc.constant('notify-slot-change' as const), slots: fc.array(slot, { minLength: 4 * bytes, maxLength: 4 * bytes }) }),
    ),
    fc.record({ type: fc.constant('hardware-error' as const), ...address, hardwareErrorCode: byte }),
  );
}

/** Any class descriptor with a single exchange level. */
export function arbCcidClassDescriptor(): fc.Arbitrary<CcidClassDescriptor> {
  const level = fc.constantFrom(0, 0x10000, 0x20000, 0x40000);
  return fc.record({
    version: u16,
    maxSlotIndex: byte,
    voltageSupport: byte,
    protocols: u32,
    defaultClock: u32,
    maximumClock: u32,
    numClockSupported: byte,
    dataRate: u32,
    maxDataRate: u32,
    numDataRatesSupported: byte,
    maxIfsd: u32,
    synchProtocols: u32,
    mechanical: u32,
    features: fc.tuple(u32, level).map(([f, l]) => ((f & ~0x70000) | l) >>> 0),
    maxCcidMessageLength: u32,
    classGetResponse: byte,
    classEnvelope: byte,
    lcdLayout: u16,
    pinSupport: byte,
    maxCcidBusySlots: byte,
  });
}
