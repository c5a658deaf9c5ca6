/**
 * The terminal's keypad (issue 6 "Display and keypad"): digits 0-9,
 * correction, cancel, validate and two arrows, each key press an event
 * with a dotted name (`key.digit` carries the digit).
 *
 * OURS: the key set of the portable readers on the market (Vital'Act-3S,
 * Kap&Go: numeric pad, red cancel, yellow correction, green validate,
 * arrows), and the console mapping of {@link keyFromConsole}.
 * @module
 */

/** A digit key. */
export type Digit = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** A key press as the machines receive it. */
export type KeyEvent =
  | { readonly type: 'key.digit'; readonly digit: Digit }
  | { readonly type: 'key.correction' }
  | { readonly type: 'key.cancel' }
  | { readonly type: 'key.validate' }
  | { readonly type: 'key.up' }
  | { readonly type: 'key.down' };

/** The type of every key event. */
export const KEY_EVENT_TYPES = ['key.digit', 'key.correction', 'key.cancel', 'key.validate', 'key.up', 'key.down'] as const;

/** True for an integer 0..9. */
export function isDigit(value: unknown): value is Digit {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 9;
}

/**
 * The event of a digit key; RangeError for anything but 0..9.
 * @example digitKey(4) // { type: 'key.digit', digit: 4 }
 */
export function digitKey(digit: number): KeyEvent {
  if (!isDigit(digit)) throw new RangeError(`a keypad digit is 0..9, not ${digit}`);
  return { type: 'key.digit', digit };
}

const CONSOLE_KEYS: ReadonlyMap<string, KeyEvent> = new Map([
  ['backspace', { type: 'key.correction' }],
  ['escape', { type: 'key.cancel' }],
  ['return', { type: 'key.validate' }],
  ['enter', { type: 'key.validate' }],
  ['up', { type: 'key.up' }],
  ['down', { type: 'key.down' }],
]);

/**
 * The key a console key name stands for (Node readline's `key.name`, or
 * the typed character for digits), for the interactive terminal; undefined
 * when it is not a keypad key.
 * @example keyFromConsole('7') // { type: 'key.digit', digit: 7 }
 */
export function keyFromConsole(name: string): KeyEvent | undefined {
  if (/^[0-9]$/.test(name)) return digitKey(Number(name));
  return CONSOLE_KEYS.get(name.toLowerCase());
}

/**
 * A key event fit for a log or trace: a digit key loses its digit, since
 * during PIN entry the digits are the PIN (issue 6: the PIN never reaches
 * a log). Every other event is returned as is.
 * @example loggableEvent({ type: 'key.digit', digit: 2 }) // { type: 'key.digit' }
 */
export function loggableEvent<E extends { readonly type: string }>(event: E): E | { readonly type: 'key.digit' } {
  return event.type === 'key.digit' ? { type: 'key.digit' } : event;
}
