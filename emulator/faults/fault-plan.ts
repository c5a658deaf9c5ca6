/**
 * The fault plan: a JSON data file (schema
 * `test-vectors/faults/schema/fault-plan.schema.json`, examples in
 * `test-vectors/faults/`) or the same object given through the API.
 * Hex fields are upper-case, bytes separated by one space.
 * @module
 */

/** When a fault fires; every given condition must hold (none: every command). */
export interface FaultTrigger {
  /** Only commands after the first N sent through the decorator (N answered normally first). */
  readonly afterApdus?: number;
  /** The command's INS byte, for example `"20"`. */
  readonly ins?: string;
  /** The command's first bytes, for example `"00 20 00 01"` (CLA INS P1 P2) or an AID prefix. */
  readonly prefix?: string;
  /** Fire from the Nth command that meets the other conditions on. */
  readonly occurrence?: number;
  /** Chance of firing on each candidate command, drawn from the seeded generator. */
  readonly probability?: number;
}

/** No answer: the call stays pending until power off, reset or removal, then rejects with CardGoneError. */
export interface MuteAction {
  readonly kind: 'mute';
}

/** Answer `sw` (4 hex digits) with no data; with `execute`, the card runs the command first (default: it does not). */
export interface StatusAction {
  readonly kind: 'status';
  readonly sw: string;
  readonly execute?: boolean;
}

/**
 * Answer `ms` milliseconds late (on the decorator's clock), reporting
 * `waitExtensions` waiting-time extension requests meanwhile (ours: the
 * T=1 or CCID layer turns them into WTX / time extension).
 */
export interface DelayAction {
  readonly kind: 'delay';
  readonly ms: number;
  readonly waitExtensions?: number;
}

/** Flip `bits` bits (default 1) of the response at seeded positions, in the data, the SW or anywhere (default). */
export interface CorruptAction {
  readonly kind: 'corrupt';
  readonly bits?: number;
  readonly region?: 'any' | 'data' | 'status';
}

/**
 * The card is pulled `before` (default) or `after` the card runs the
 * command: a 'removed' presence event, the call rejects with
 * CardGoneError('removed'), and the card stays out until `insert()` or
 * `reinsertAfterMs`.
 */
export interface RemoveAction {
  readonly kind: 'remove';
  readonly when?: 'before' | 'after';
  readonly reinsertAfterMs?: number;
}

/**
 * Power is lost `before`, `inside` or `after` (default) the card runs the
 * command: the card is powered off and the call rejects with
 * CardGoneError('powered-off'). `inside` needs the card's {@link TearingHook}.
 */
export interface TearAction {
  readonly kind: 'tear';
  readonly when?: 'before' | 'inside' | 'after';
}

/**
 * On a VERIFY with data: wrong values of the same length go to the card
 * until it answers 6983, then the VERIFY itself (which gets 6983 too).
 */
export interface BlockPinAction {
  readonly kind: 'block-pin';
}

/** What a fault does. */
export type FaultAction = MuteAction | StatusAction | DelayAction | CorruptAction | RemoveAction | TearAction | BlockPinAction;

/** One fault: a trigger, an action, how often. */
export interface Fault {
  /** A label for events and traces. */
  readonly name?: string;
  readonly trigger: FaultTrigger;
  /** How many times the fault may fire: default 1. */
  readonly times?: number | 'unlimited';
  readonly action: FaultAction;
}

/** A whole plan; `$schema` and `description` are for files. */
export interface FaultPlan {
  readonly $schema?: string;
  readonly description?: string;
  /** 32-bit unsigned seed; the `seed` option of withFaults overrides it. */
  readonly seed?: number;
  readonly faults: readonly Fault[];
}

/**
 * The hook a card core offers so that a power cut can happen inside its
 * persistent write (ours): `arm()` asks that the next persistent write of
 * the card be cut half-way, as if power were lost in the middle of it;
 * `disarm()` withdraws the request if no write happened.
 */
export interface TearingHook {
  arm(): void;
  disarm(): void;
}
