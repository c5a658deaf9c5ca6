/**
 * The terminal's display: 4 lines of 20 characters, as portable readers
 * show them (issue 6 "Display and keypad"). A screen is data; `render`
 * turns it into exactly four 20-character ASCII lines.
 *
 * OURS (no public rule): accents are folded ("Inseree" for "Insérée")
 * because the readers' character ROMs are ASCII; other characters show as
 * `?`; a line longer than 20 is cut at 20 (no ellipsis, the last column is
 * kept for text); lines are centred unless they say otherwise, the extra
 * space of an odd margin going to the right.
 * @module
 */

/** Lines of the display. */
export const DISPLAY_LINES = 4;
/** Characters of one display line. */
export const DISPLAY_COLUMNS = 20;

/** How one line sits in its 20 columns. */
export type LineAlign = 'centre' | 'left' | 'right';

/** One line of a screen: text and alignment (default centred). */
export interface ScreenLine {
  readonly text: string;
  readonly align?: LineAlign;
}

/** What the display shows: up to four lines, top first (missing lines are blank). */
export type Screen = readonly (string | ScreenLine)[];

/** The display's content: exactly four strings of exactly 20 ASCII characters. */
export type DisplayLines = readonly [string, string, string, string];

const LIGATURES: Readonly<Record<string, string>> = { œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', ß: 'ss' };

/**
 * Fold `text` to what the display's ROM can show: accents removed
 * (Unicode NFD, combining marks dropped), `œ`/`æ`/`ø`/`ß` spelt out, any
 * other non-printable or non-ASCII character (code point) as one `?`.
 * @example displayText('Carte bloquée') // 'Carte bloquee'
 */
export function displayText(text: string): string {
  const folded = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[œŒæÆøØß]/g, (c) => LIGATURES[c] ?? '?');
  return folded.replace(/[^\x20-\x7e]/gu, '?');
}

/**
 * One line fitted to {@link DISPLAY_COLUMNS}: folded, cut, then padded by
 * its alignment.
 * @example fitLine('Code porteur :', 'left') // 'Code porteur :      '
 */
export function fitLine(text: string, align: LineAlign = 'centre'): string {
  const shown = displayText(text).slice(0, DISPLAY_COLUMNS);
  const room = DISPLAY_COLUMNS - shown.length;
  if (align === 'left') return shown + ' '.repeat(room);
  if (align === 'right') return ' '.repeat(room) + shown;
  const left = Math.floor(room / 2);
  return ' '.repeat(left) + shown + ' '.repeat(room - left);
}

/**
 * Render a screen on the 4 × 20 display. Lines past the fourth are a
 * programmer error (a screen is designed for the display): RangeError.
 * @example render(['Inserer carte CPS'])[0] // ' Inserer carte CPS  '
 */
export function render(screen: Screen): DisplayLines {
  if (screen.length > DISPLAY_LINES) throw new RangeError(`a screen has at most ${DISPLAY_LINES} lines, not ${screen.length}`);
  const line = (i: number): string => {
    const item = screen[i];
    if (item === undefined) return ' '.repeat(DISPLAY_COLUMNS);
    return typeof item === 'string' ? fitLine(item) : fitLine(item.text, item.align);
  };
  return [line(0), line(1), line(2), line(3)];
}
