/**
 * Deciding which fault of a plan fires on a command APDU: counters per
 * fault, the seeded draws, the firing limit.
 * @module
 */
import { fromHex, parseCommandApdu, type ParseResult } from '../../protocol/index.js';
import type { Fault, FaultAction, FaultPlan } from './fault-plan.js';
import { faultStream, type Prng } from './prng.js';

/** A fault with its running state. */
export interface ArmedFault {
  /** Its index in the plan. */
  readonly index: number;
  readonly fault: Fault;
  /** Its own seeded stream: probability draws and corrupt positions. */
  readonly prng: Prng;
  /** Commands that met the trigger's conditions so far (for `occurrence`). */
  candidates: number;
  /** Times it fired so far. */
  fired: number;
}

/** The decision for one command: the fault that fires, if any. */
export interface Firing {
  readonly armed: ArmedFault;
  readonly action: FaultAction;
  /** 1-based number of the APDU through the decorator. */
  readonly apdu: number;
}

function hexOf(text: string): Uint8Array {
  const bytes: ParseResult<Uint8Array> = fromHex(text);
  // The schema admits only well-formed hex: a failure is a programmer error.
  if (!bytes.ok) throw new RangeError('a checked fault plan holds bad hex');
  return bytes.value;
}

/** The fault plan's triggers in running form. */
export class TriggerTable {
  readonly faults: readonly ArmedFault[];
  readonly #prefixes: readonly (Uint8Array | undefined)[];
  #apdus = 0;

  constructor(plan: FaultPlan, seed: number) {
    this.faults = plan.faults.map((fault, index) => ({ index, fault, prng: faultStream(seed, index), candidates: 0, fired: 0 }));
    this.#prefixes = plan.faults.map((f) => (f.trigger.prefix === undefined ? undefined : hexOf(f.trigger.prefix)));
  }

  /** APDUs seen so far. */
  get apdus(): number {
    return this.#apdus;
  }

  /**
   * Count `command` and return the first fault (in plan order) that fires
   * on it. Every fault counts its candidates, even after another fired,
   * so that `occurrence` counts commands, not chances.
   */
  next(command: Uint8Array): Firing | undefined {
    const apdu = ++this.#apdus;
    let firing: Firing | undefined;
    for (const armed of this.faults) {
      if (!this.#meets(armed, command, apdu)) continue;
      armed.candidates += 1;
      if (firing !== undefined || !this.#mayFire(armed)) continue;
      armed.fired += 1;
      firing = { armed, action: armed.fault.action, apdu };
    }
    return firing;
  }

  #meets(armed: ArmedFault, command: Uint8Array, apdu: number): boolean {
    const { trigger, action } = armed.fault;
    if (trigger.afterApdus !== undefined && apdu <= trigger.afterApdus) return false;
    if (trigger.ins !== undefined && (command.length < 2 || command[1] !== Number.parseInt(trigger.ins, 16))) return false;
    const prefix = this.#prefixes[armed.index];
    if (prefix !== undefined && !startsWith(command, prefix)) return false;
    // ISO/IEC 7816-4 §11.5.6: only a VERIFY carrying a value costs a try.
    if (action.kind === 'block-pin' && !isVerifyWithData(command)) return false;
    return true;
  }

  #mayFire(armed: ArmedFault): boolean {
    const { trigger, times = 1 } = armed.fault;
    if (times !== 'unlimited' && armed.fired >= times) return false;
    if (trigger.occurrence !== undefined && armed.candidates < trigger.occurrence) return false;
    if (trigger.probability !== undefined && armed.prng.next() >= trigger.probability) return false;
    return true;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** A well-formed VERIFY (INS 20) whose data field is not empty. */
export function isVerifyWithData(command: Uint8Array): boolean {
  const parsed = parseCommandApdu(command);
  return parsed.ok && parsed.value.ins === 0x20 && parsed.value.data.length > 0;
}
