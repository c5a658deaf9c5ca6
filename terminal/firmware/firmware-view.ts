/**
 * What the composed firmware's display shows: the screen of the machine
 * that has the user's attention, chosen in a fixed order of priority, and
 * the firmware's own screens (capture refused, store in quarantine, the
 * idle screen with the CPS state and what the store holds, the transfer).
 *
 * OURS: the priorities (device off, booting or asleep; a refusal; a card
 * notice of the CPS slot; a notice of the Vitale slot; the CPS session
 * while it reads, asks the PIN or the situation; a visit's outcome; the
 * running capture; the lot run; the transfer; the idle screen) and the
 * wording of the screens defined here.
 * @module
 */
import { problemOf, renderCaptureView, visitView, type CaptureView, type VisitOutput } from '../capture/index.js';
import { lotsView } from '../lots/index.js';
import { batteryPercent, cpsSessionView, deviceView, slotView, type SlotSnapshotLike } from '../machines/index.js';
import { render, renderView, type DisplayLines, type Screen } from '../ui/index.js';
import { cpsSessionIn } from './key-routing.js';
import type { CaptureRefusal, FirmwareContext, StoreCount } from './firmware.machine.js';

const REFUSAL: Readonly<Record<CaptureRefusal, Screen>> = {
  'storage-quarantined': ['Saisie impossible', 'Memoire illisible', 'Connecter le PC', 'Valider'],
  'cps-not-ready': ['Saisie impossible', 'Carte CPS non prete', '', 'Valider'],
  'capture-unavailable': ['Saisie impossible', 'Fonction absente', '', 'Valider'],
};

const battery = (percent: number) => ({ text: `Batterie ${percent}%`, align: 'right' as const });

/**
 * What the store holds, as the idle and transfer screens say it.
 * @example heldLine({ fses: 12, lots: 2 }) // '12 FSE - 2 lot(s)'
 */
export function heldLine(held: StoreCount): string {
  return `${held.fses} FSE - ${held.lots} lot(s)`;
}

/** The screen of a finished visit, from its output: stored, cancelled, refused or failed. */
export function visitOutcomeView(output: VisitOutput): CaptureView {
  switch (output.result) {
    case 'stored':
      return output.stored === undefined ? { kind: 'capture-failed', problem: 'store-error' } : { kind: 'fse-stored', invoiceNumber: output.stored.invoiceNumber, securing: output.stored.securing };
    case 'cancelled':
      return { kind: 'capture-cancelled' };
    case 'refused':
      return { kind: 'capture-refused', problem: output.problem ?? 'store-error' };
    case 'failed':
      return { kind: 'capture-failed', problem: problemOf(output.failure) };
  }
}

/** A slot's notice worth interrupting the screen for: reading, mute, unknown card, removed. */
function slotNotice(slot: SlotSnapshotLike, reading: boolean): DisplayLines | undefined {
  if (slot.matches('mute') || slot.matches('unknownCard') || slot.matches('removed')) return renderView(slotView(slot));
  if (reading && (slot.matches('inserted') || slot.matches('powering') || slot.matches('atrReceived'))) return renderView(slotView(slot));
  return undefined;
}

/** The idle screen: the store's state first, then the CPS's, then what the store holds. */
function idleScreen(context: FirmwareContext, percent: number): Screen {
  if (context.storage.state === 'quarantined') return ['Memoire illisible', 'Saisie impossible', 'Connecter le PC', battery(percent)];
  const held = context.held === undefined ? '' : heldLine(context.held);
  const session = context.cpsSession?.getSnapshot();
  if (session !== undefined && session.matches('authenticated')) {
    const { situation } = session.context;
    return [situation?.replaces === undefined ? 'CPS prete' : `Rempl. ${situation.replaces.doctorId}`, situation?.structure.name ?? '', held === '' ? 'Valider: menu' : held, battery(percent)];
  }
  if (session !== undefined && (session.matches('locked') || session.matches('lapsed'))) return ['Session CPS expiree', 'Valider pour', 'saisir le code', battery(percent)];
  if (context.slots.cps.getSnapshot().matches('ready')) return ['bifente', 'Retirer carte CPS', held, battery(percent)];
  return ['bifente', 'Inserer carte CPS', held, battery(percent)];
}

/** The transfer screen while the host is served. */
function transferScreen(context: FirmwareContext): Screen {
  const built = context.lastLots === undefined ? '' : context.lastLots.result === 'done' ? `${context.lastLots.built.length} lot(s) signe(s)` : 'Lots non signes';
  const held = context.storage.state === 'quarantined' ? 'Memoire illisible' : context.held === undefined ? '' : heldLine(context.held);
  return ['Transfert en cours', held, built, 'Valider: terminer'];
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
  if (context.lastVisit !== undefined) return renderCaptureView(visitOutcomeView(context.lastVisit));
  if (context.capture !== undefined) return renderCaptureView(visitView(context.capture.getSnapshot()));
  if (context.lots !== undefined) return renderView(lotsView(context.lots.getSnapshot()));
  if (context.transfer === 'serving') return render(transferScreen(context));
  if (device.matches({ on: 'idle' })) return render(idleScreen(context, batteryPercent(device.context.battery)));
  return renderView(deviceView(device));
}
