/**
 * Fault injection (issue 4): a decorator over any {@link VirtualCard} that
 * applies a {@link FaultPlan}. Every random choice comes from the seed, so
 * a plan, a seed and the same APDUs replay the same faults.
 * @module
 */
import { commandApdu, encodeCommandApdu, parseCommandApdu } from '../../protocol/index.js';
import { CardGoneError, type CardPresence, type VirtualCard } from '../card/virtual-card.js';
import { systemClock, type Clock } from '../timing/clock.js';
import { PendingCalls } from '../timing/pending-calls.js';
import type { FaultAction, FaultPlan, TearingHook } from './fault-plan.js';
import { flipBits, wrongValue } from './mutations.js';
import { checkFaultPlan } from './plan-loader.js';
import { TriggerTable, type Firing } from './trigger.js';

/** Options of {@link withFaults}. */
export interface FaultOptions {
  /** 32-bit unsigned seed; overrides the plan's `seed` (default 0). */
  readonly seed?: number;
  /** Time for delays and re-insertion (default: the system clock). */
  readonly clock?: Clock;
  /** The card core's tearing hook; required by a `tear` fault `inside`. */
  readonly tearing?: TearingHook;
}

/** A fault that fired, reported before it takes effect. */
export interface FaultEvent {
  /** The fault's index in the plan, and its name if it has one. */
  readonly index: number;
  readonly name?: string;
  readonly kind: FaultAction['kind'];
  /** 1-based number of the command APDU through the decorator. */
  readonly apdu: number;
  /** The clock's time. */
  readonly time: number;
}

/**
 * A delayed card asks for more time (ours, issue 4 "delay and answer with
 * a waiting-time extension"): a T=1 layer turns it into an S(WTX request)
 * (ISO/IEC 7816-3 §11.6.2.3), a CCID layer into a time extension status
 * (USB CCID §6.2.1, bmCommandStatus = 2).
 */
export interface WaitExtensionRequest {
  /** 1 for the first request of this delay. */
  readonly sequence: number;
  readonly elapsedMs: number;
  /** Milliseconds still to wait after this request. */
  readonly remainingMs: number;
}

/** A card with faults: a {@link VirtualCard} plus the fault events and the slot. */
export interface FaultyCard extends VirtualCard {
  onFault(listener: (event: FaultEvent) => void): () => void;
  onWaitExtension(listener: (request: WaitExtensionRequest) => void): () => void;
  /** Put back a card a `remove` fault pulled ('inserted' presence); nothing if it is in. */
  insert(): void;
  /** Whether the card is in its slot. */
  readonly present: boolean;
}

/** Attempts block-pin makes at most before passing the VERIFY on regardless. */
const BLOCK_PIN_ATTEMPTS = 16;
const SW_AUTH_METHOD_BLOCKED = 0x6983;

function listeners<T>(): { add(l: (v: T) => void): () => void; emit(v: T): void } {
  const set = new Set<(v: T) => void>();
  return {
    add: (l) => {
      set.add(l);
      return () => void set.delete(l);
    },
    emit: (v) => {
      for (const l of [...set]) l(v);
    },
  };
}

function swOf(response: Uint8Array): number {
  return response.length < 2 ? -1 : (response[response.length - 2]! << 8) | response[response.length - 1]!;
}

/**
 * Wrap `card` with the faults of `plan` (checked against the schema:
 * throws FaultPlanError on a bad plan, RangeError on a bad seed or a
 * `tear inside` without `options.tearing`).
 */
export function withFaults(card: VirtualCard, plan: FaultPlan, options: FaultOptions = {}): FaultyCard {
  checkFaultPlan(plan);
  const seed = options.seed ?? plan.seed ?? 0;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff)) throw new RangeError(`seed ${seed} is not a 32-bit unsigned integer`);
  const { clock = systemClock, tearing } = options;
  if (tearing === undefined && plan.faults.some((f) => f.action.kind === 'tear' && f.action.when === 'inside')) {
    throw new RangeError('a tear fault "inside" needs options.tearing, the card core\'s tearing hook');
  }
  const table = new TriggerTable(plan, seed);
  const pending = new PendingCalls();
  const presence = listeners<CardPresence>();
  const faults = listeners<FaultEvent>();
  const waits = listeners<WaitExtensionRequest>();
  let present = true;
  let muted = false;
  let removals = 0;

  card.onPresence((p) => {
    if (p === 'removed') {
      muted = false;
      pending.cancelAll('removed');
    }
    presence.emit(p);
  });

  const insert = (): void => {
    if (present) return;
    present = true;
    presence.emit('inserted');
  };

  const remove = async (reinsertAfterMs: number | undefined): Promise<never> => {
    present = false;
    muted = false;
    const removal = ++removals;
    await card.powerOff();
    presence.emit('removed');
    pending.cancelAll('removed');
    if (reinsertAfterMs !== undefined) {
      void clock.sleep(reinsertAfterMs).then(() => {
        if (removal === removals) insert();
      });
    }
    throw new CardGoneError('removed');
  };

  const tear = async (command: Uint8Array, when: 'before' | 'inside' | 'after'): Promise<never> => {
    if (when === 'inside') tearing?.arm();
    try {
      if (when !== 'before') await card.transmit(command);
    } finally {
      if (when === 'inside') tearing?.disarm();
    }
    await card.powerOff();
    pending.cancelAll('powered-off');
    throw new CardGoneError('powered-off');
  };

  const delay = async (command: Uint8Array, ms: number, extensions: number): Promise<Uint8Array> => {
    const response = await pending.track(card.transmit(command));
    const step = ms / (extensions + 1);
    for (let sequence = 1; sequence <= extensions; sequence++) {
      await pending.track(clock.sleep(step));
      waits.emit({ sequence, elapsedMs: step * sequence, remainingMs: ms - step * sequence });
    }
    await pending.track(clock.sleep(step));
    return response;
  };

  const blockPin = async (command: Uint8Array): Promise<Uint8Array> => {
    const verify = parseCommandApdu(command);
    if (!verify.ok) return card.transmit(command);
    for (let k = 1; k <= BLOCK_PIN_ATTEMPTS; k++) {
      const wrong = commandApdu({ ...verify.value, data: wrongValue(verify.value.data, k) });
      if (!wrong.ok) break;
      const sw = swOf(await pending.track(card.transmit(encodeCommandApdu(wrong.value))));
      if (sw === SW_AUTH_METHOD_BLOCKED) break;
      if (sw !== 0x9000 && (sw & 0xfff0) !== 0x63c0) break;
    }
    return pending.track(card.transmit(command));
  };

  const apply = (firing: Firing, command: Uint8Array): Promise<Uint8Array> => {
    const { action, armed } = firing;
    faults.emit({ index: armed.index, kind: action.kind, apdu: firing.apdu, time: clock.now(), ...(armed.fault.name === undefined ? {} : { name: armed.fault.name }) });
    switch (action.kind) {
      case 'mute':
        muted = true;
        return pending.never();
      case 'status': {
        const sw = Number.parseInt(action.sw, 16);
        const answer = new Uint8Array([sw >> 8, sw & 0xff]);
        return action.execute === true ? pending.track(card.transmit(command)).then(() => answer) : Promise.resolve(answer);
      }
      case 'delay':
        return delay(command, action.ms, action.waitExtensions ?? 0);
      case 'corrupt':
        return pending.track(card.transmit(command)).then((r) => flipBits(r, action.bits ?? 1, action.region ?? 'any', armed.prng));
      case 'remove':
        return action.when === 'after'
          ? pending.track(card.transmit(command)).then(() => remove(action.reinsertAfterMs))
          : remove(action.reinsertAfterMs);
      case 'tear':
        return tear(command, action.when ?? 'after');
      case 'block-pin':
        return blockPin(command);
    }
  };

  return {
    get present() {
      return present;
    },
    insert,
    onFault: faults.add,
    onWaitExtension: waits.add,
    onPresence: presence.add,
    powerOn: () => (present ? card.powerOn() : Promise.reject(new CardGoneError('removed'))),
    reset: () => {
      if (!present) return Promise.reject(new CardGoneError('removed'));
      muted = false;
      pending.cancelAll('powered-off');
      return card.reset();
    },
    powerOff: () => {
      muted = false;
      pending.cancelAll('powered-off');
      return card.powerOff();
    },
    transmit: (command) => {
      if (!present) return Promise.reject(new CardGoneError('removed'));
      if (muted) return pending.never();
      const firing = table.next(command);
      return firing === undefined ? pending.track(card.transmit(command)) : apply(firing, command);
    },
  };
}
