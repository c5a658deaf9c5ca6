/**
 * What `bifente terminal` shows around the firmware's own 4 × 20 display,
 * in both its modes (script and TTY): the display in a box and the status
 * line (battery, FSEs stored, slots). OURS: the layout and the French words.
 * @module
 */
import type { DisplayLines, Firmware, FirmwareState } from '../../terminal/index.js';

/** Width of the boxed display: 20 characters and two edges. */
export const BOX_WIDTH = 22;

const SLOT_STATUS: Readonly<Record<string, string>> = { empty: 'vide', ready: 'prete', mute: 'muette', unknownCard: 'inconnue', removed: 'retiree' };

/** The display in a box. */
export function boxed(lines: DisplayLines): string {
  const edge = `+${'-'.repeat(BOX_WIDTH - 2)}+`;
  return [edge, ...lines.map((line) => `|${line}|`), edge].join('\n');
}

/** The status fields read from the state alone (battery, slots): they change without the display changing. */
export function stateStatus(state: FirmwareState): string[] {
  const slot = (value: string): string => SLOT_STATUS[value.split('.')[0]!] ?? 'lecture';
  return [`Batterie ${Math.floor(state.battery / 10)}%`, `CPS: ${slot(state.slots.cps)}`, `Vitale: ${slot(state.slots.vitale)}`];
}

/** The status fields: battery, FSEs stored (or the store's quarantine), slots. */
export async function statusFields(firmware: Firmware): Promise<string[]> {
  const [battery, ...slots] = stateStatus(firmware.state());
  const stored = firmware.store === undefined ? 'memoire en quarantaine' : `FSE stockees: ${(await firmware.store.usage()).count}`;
  return [battery!, stored, ...slots];
}

/** The status fields on one line. */
export function statusLine(fields: readonly string[]): string {
  return fields.join(' | ');
}
