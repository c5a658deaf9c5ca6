/**
 * What the composed firmware's display shows: the screen of the machine
 * that has the user's attention, chosen in a fixed order of priority, and
 * the firmware's own screens (capture refused, store in quarantine, the
 * idle screen with the CPS state).
 *
 * OURS: the priorities (device off, booting or asleep; a refusal; a card
 * notice of the CPS slot; a notice of the Vitale slot; the CPS session
 * while it reads, asks the PIN or the situation; the capture; the idle
 * screen) and the wording of the screens defined here.
 * @module
 */
import { batteryPercent, cpsSessionView, deviceView, slotView, type SlotSnapshotLike } from '../machines/index.js';
import { render, renderView, type DisplayLines, type Screen } from '../ui/index.js';
import { cpsSessionIn, type CaptureRefusal, type FirmwareContext } from './firmware.machine.js';

const REFUSAL: Readonly<Record<CaptureRefusal, Screen>> = {
  'storage-quarantined': ['Saisie impossible', 'Memoire illisible', 'Connecter le PC', 'Valider'],
  'cps-not-ready': ['Saisie impossible', 'Carte CPS non prete', '', 'Valider'],
  'capture-unavailable': ['Saisie impossible', 'Fonction absente', '', 'Valider'],
};

const battery = (percent: number) => ({ text: `Batterie ${percent}%`, align: 'right' as const });

/** A slot's notice worth interrupting the screen for: reading, mute, unknown card, removed. */
function slotNotice(slot: SlotSnapshotLike, reading: boolean): DisplayLines | undefined {
  if (slot.matches('mute') || slot.matches('unknownCard') || slot.matches('removed')) return renderView(slotView(slot));
  if (reading && (slot.matches('inserted') || slot.matches('powering') || slot.matches('atrReceived'))) return renderView(slotView(slot));
  return undefined;
}

/** The idle screen: the store's state first, then the CPS's. */
function idleScreen(context: FirmwareContext, percent: number): Screen {
  if (context.storage.state === 'quarantined') return ['Memoire illisible', 'Saisie impossible', 'Connecter le PC', battery(percent)];
  const session = context.cpsSession?.getSnapshot();
  if (session !== undefined && session.matches('authenticated')) {
    const { situation } = session.context;
    return ['CPS prete', situation?.structure.name ?? '', situation?.replaces === undefined ? 'Valider: menu' : `Rempl. ${situation.replaces.doctorId}`, battery(percent)];
  }
  if (session !== undefined && (session.matches('locked') || session.matches('lapsed'))) return ['Session CPS expiree', 'Valider pour', 'saisir le code', battery(percent)];
  if (context.slots.cps.getSnapshot().matches('ready')) return ['bifente', 'Retirer carte CPS', '', battery(percent)];
  return ['bifente', 'Inserer carte CPS', '', battery(percent)];
}

/** The four lines the firmware shows now, from its context and its children's snapshots. */
export function firmwareDisplay(context: FirmwareContext): DisplayLines {
  const device = context.device.getSnapshot();
  if (!device.matches('on') || device.matches({ on: 'sleep' })) return renderView(deviceView(device));
  if (context.refusal !== undefined) return render(REFUSAL[context.refusal]);
  const notice = slotNotice(context.slots.cps.getSnapshot(), true) ?? slotNotice(context.slots.vitale.getSnapshot(), context.capturing);
  if (notice !== undefined) return notice;
  const session = context.cpsSession?.getSnapshot();
  if (session !== undefined && cpsSessionIn(context, ['reading', 'authenticating', 'choosingSituation', 'blocked'])) return renderView(cpsSessionView(session));
  if (session !== undefined && session.matches('ended') && session.context.end === 'failed') return renderView(cpsSessionView(session));
  if (device.matches({ on: 'idle' })) return render(idleScreen(context, batteryPercent(device.context.battery)));
  return renderView(deviceView(device));
}
