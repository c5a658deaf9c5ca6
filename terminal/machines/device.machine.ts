/**
 * The terminal as a device (issue 6 "Device"): off, booting (self-test,
 * storage check, clock check: one actor each), idle, the main menu, sleep,
 * the low-battery notice, firmware information, and the two activities the
 * second wave builds (visit capture, transfer to the host), which this
 * machine enters and leaves on their events (`capture.ended`,
 * `transfer.ended`). A battery model drains per operation (battery.ts).
 *
 * Composition: this machine does not hold the slots, PIN or CPS session;
 * the second wave's composer runs them next to it and forwards
 * `device.sleep` (emitted on falling asleep) to the CPS session.
 *
 * OURS: the menu, the 60 s idle time before sleep (restarted by any key,
 * the keys other machines take arriving as `user.activity`), waking on any
 * key.
 * @module
 */
import { and, assign, emit, fromPromise, setup } from 'xstate';
import type { BootStep, KeyEvent, View } from '../ui/index.js';
import { errorOf } from './actor-events.js';
import { allowsCapture, batteryPercent, drain, FULL_BATTERY, type Battery, type BatteryOperation } from './battery.js';

/** The firmware's identity, shown by "Informations". */
export interface FirmwareInfo {
  readonly version: string;
  readonly build: string;
  /** The portable device's agreement number (carried by B2 lot trailers, DOMAIN.md). */
  readonly agreement: string;
}

/** What the device machine is given. */
export interface DeviceInput {
  readonly firmware: FirmwareInfo;
  readonly battery?: Battery;
}

/** The entries of the main menu, in order. */
export const MAIN_MENU = ['Nouvelle visite', 'Transfert poste', 'Informations', 'Eteindre'] as const;
/** The label of each main-menu entry. */
export type MenuEntry = (typeof MAIN_MENU)[number];

/** The device's context. */
export interface DeviceContext {
  readonly firmware: FirmwareInfo;
  readonly battery: Battery;
  /** Main-menu cursor. */
  readonly cursor: number;
  /** The boot step that failed, and why. */
  readonly bootFailure: { readonly step: BootStep; readonly message: string } | undefined;
}

/** What the device hears. */
export type DeviceEvent =
  | KeyEvent
  | { readonly type: 'power.on' }
  | { readonly type: 'power.off' }
  | { readonly type: 'charger.connected' }
  | { readonly type: 'charger.disconnected' }
  /** An operation done by another machine (card read, signature...): drains the battery. */
  | { readonly type: 'operation.done'; readonly operation: BatteryOperation }
  | { readonly type: 'capture.ended' }
  | { readonly type: 'transfer.ended' }
  /**
   * A key another machine took (PIN entry, capture, lots): the doctor is
   * there, so the idle timer starts again (OURS: any key counts).
   */
  | { readonly type: 'user.activity' };

/** What the device tells its composer. */
export type DeviceEmitted = { readonly type: 'device.sleep' } | { readonly type: 'device.wake' };

/** A boot check: resolves when it passes, rejects with the reason. The real ones are provided per target. */
const bootCheck = fromPromise<void, void>(async () => undefined);

const bootStepFailed = (step: BootStep) =>
  assign<DeviceContext, DeviceEvent, undefined, DeviceEvent, never>({
    bootFailure: ({ event }) => {
      const error = errorOf(event);
      return { step, message: error instanceof Error ? error.message : String(error) };
    },
  });

/** The device statechart; provide `selfTest`, `storageCheck`, `clockCheck` and the delays per target. */
export const deviceMachine = setup({
  types: {
    context: {} as DeviceContext,
    events: {} as DeviceEvent,
    input: {} as DeviceInput,
    emitted: {} as DeviceEmitted,
  },
  actors: { selfTest: bootCheck, storageCheck: bootCheck, clockCheck: bootCheck },
  delays: {
    /** Time without a key before the terminal sleeps. */
    idleTimeout: 60_000,
  },
  guards: {
    mayCapture: ({ context }) => allowsCapture(context.battery),
    batteryEmpty: ({ context }) => context.battery.charge === 0 && !context.battery.charging,
    canMoveUp: ({ context }) => context.cursor > 0,
    canMoveDown: ({ context }) => context.cursor < MAIN_MENU.length - 1,
    cursorOn: ({ context }, params: { entry: MenuEntry }) => MAIN_MENU[context.cursor] === params.entry,
  },
  actions: {
    drain: assign({ battery: ({ context }, params: { operation: BatteryOperation }) => drain(context.battery, params.operation) }),
    drainReported: assign({ battery: ({ context, event }) => (event.type === 'operation.done' ? drain(context.battery, event.operation) : context.battery) }),
    plugCharger: assign({ battery: ({ context }) => ({ ...context.battery, charging: true }) }),
    unplugCharger: assign({ battery: ({ context }) => ({ ...context.battery, charging: false }) }),
    selfTestFailed: bootStepFailed('self-test'),
    storageFailed: bootStepFailed('storage'),
    clockFailed: bootStepFailed('clock'),
    clearBootFailure: assign({ bootFailure: undefined }),
    moveUp: assign({ cursor: ({ context }) => context.cursor - 1 }),
    moveDown: assign({ cursor: ({ context }) => context.cursor + 1 }),
    resetCursor: assign({ cursor: 0 }),
    announceSleep: emit({ type: 'device.sleep' } as const),
    announceWake: emit({ type: 'device.wake' } as const),
  },
}).createMachine({
  id: 'device',
  context: ({ input }) => ({ firmware: input.firmware, battery: input.battery ?? FULL_BATTERY, cursor: 0, bootFailure: undefined }),
  initial: 'off',
  on: {
    'charger.connected': { actions: 'plugCharger' },
    'charger.disconnected': { actions: 'unplugCharger' },
  },
  states: {
    off: {
      on: { 'power.on': { target: 'booting', actions: 'clearBootFailure' } },
    },
    booting: {
      entry: { type: 'drain', params: { operation: 'boot' } },
      initial: 'selfTest',
      states: {
        selfTest: {
          invoke: { id: 'selfTest', src: 'selfTest', onDone: 'storageCheck', onError: { target: '#device.bootFailed', actions: 'selfTestFailed' } },
        },
        storageCheck: {
          invoke: { id: 'storageCheck', src: 'storageCheck', onDone: 'clockCheck', onError: { target: '#device.bootFailed', actions: 'storageFailed' } },
        },
        clockCheck: {
          invoke: { id: 'clockCheck', src: 'clockCheck', onDone: '#device.on', onError: { target: '#device.bootFailed', actions: 'clockFailed' } },
        },
      },
    },
    bootFailed: {
      on: { 'power.off': 'off' },
    },
    on: {
      initial: 'idle',
      always: { guard: 'batteryEmpty', target: 'off' },
      on: {
        'power.off': 'off',
        'operation.done': { actions: 'drainReported' },
      },
      states: {
        idle: {
          after: { idleTimeout: 'sleep' },
          on: {
            'key.validate': { target: 'menu', actions: 'resetCursor' },
            'user.activity': { target: 'idle', reenter: true },
          },
        },
        menu: {
          after: { idleTimeout: 'sleep' },
          on: {
            'key.up': { guard: 'canMoveUp', target: 'menu', reenter: true, actions: 'moveUp' },
            'key.down': { guard: 'canMoveDown', target: 'menu', reenter: true, actions: 'moveDown' },
            'key.cancel': 'idle',
            'user.activity': { target: 'menu', reenter: true },
            'key.validate': [
              { guard: and([{ type: 'cursorOn', params: { entry: 'Nouvelle visite' as const } }, 'mayCapture']), target: 'capturing' },
              { guard: { type: 'cursorOn', params: { entry: 'Nouvelle visite' } }, target: 'lowBattery' },
              { guard: { type: 'cursorOn', params: { entry: 'Transfert poste' } }, target: 'transfer' },
              { guard: { type: 'cursorOn', params: { entry: 'Informations' } }, target: 'firmwareInfo' },
              { target: '#device.off' },
            ],
          },
        },
        lowBattery: {
          on: { 'key.validate': 'menu', 'key.cancel': 'menu' },
        },
        capturing: {
          on: { 'capture.ended': { target: 'menu', actions: { type: 'drain', params: { operation: 'capture' } } } },
        },
        transfer: {
          on: { 'transfer.ended': { target: 'menu', actions: { type: 'drain', params: { operation: 'transfer' } } } },
        },
        firmwareInfo: {
          on: { 'key.validate': 'menu', 'key.cancel': 'menu' },
        },
        sleep: {
          entry: 'announceSleep',
          exit: 'announceWake',
          on: { 'key.*': 'idle' },
        },
      },
    },
  },
});

/** A snapshot of {@link deviceMachine}, as {@link deviceView} reads it. */
export interface DeviceSnapshotLike {
  matches(state: string | Record<string, string>): boolean;
  readonly context: DeviceContext;
}

const BOOT_STEPS: readonly (readonly [string, BootStep])[] = [
  ['selfTest', 'self-test'],
  ['storageCheck', 'storage'],
  ['clockCheck', 'clock'],
];

/** What the display shows for the device (ui/screens); capture and transfer screens belong to their own machines. */
export function deviceView(snapshot: DeviceSnapshotLike): View {
  const { context } = snapshot;
  const percent = batteryPercent(context.battery);
  for (const [state, step] of BOOT_STEPS) if (snapshot.matches({ booting: state })) return { kind: 'booting', step };
  if (snapshot.matches('bootFailed')) return { kind: 'boot-failed', step: context.bootFailure?.step ?? 'self-test' };
  if (snapshot.matches({ on: 'idle' })) return { kind: 'idle', batteryPercent: percent };
  if (snapshot.matches({ on: 'menu' })) return { kind: 'menu', title: 'Menu', items: MAIN_MENU, selected: context.cursor };
  if (snapshot.matches({ on: 'lowBattery' })) return { kind: 'battery-low', batteryPercent: percent };
  if (snapshot.matches({ on: 'capturing' })) return { kind: 'in-progress', label: 'Nouvelle visite' };
  if (snapshot.matches({ on: 'transfer' })) return { kind: 'in-progress', label: 'Transfert poste' };
  if (snapshot.matches({ on: 'firmwareInfo' })) return { kind: 'firmware', ...context.firmware };
  return { kind: 'blank' };
}
