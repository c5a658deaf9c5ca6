/**
 * The bridge from a running card operation (a visit capture or a lot run)
 * to the firmware machine: a `fromCallback` actor that observes the
 * operation and the CPS session and reports which card each slot is working
 * with (so the firmware tells the slots `operation.started/ended`, and a
 * card pulled then is shown "Operation abandonnee"), the lot run's PIN
 * request, and the CPS session becoming authenticated again.
 * @module
 */
import { fromCallback, type ActorRefFrom } from 'xstate';
import { visitMachine } from '../capture/index.js';
import { lotsMachine } from '../lots/index.js';
import { cpsSessionMachine } from '../machines/index.js';
import type { SlotName } from './watch-children.js';

/** What {@link watchWork} reports. */
export type WorkReport =
  /** The card work on `slot` changed: an operation name (what the slot shows), or none. */
  | { readonly type: 'slot.work'; readonly slot: SlotName; readonly operation: string | undefined }
  /** The CPS session became authenticated (after a PIN asked again). */
  | { readonly type: 'cps.authenticated' };

/** What {@link watchWork} observes: the capture or the lot run, and the CPS session. */
export interface WatchedWork {
  readonly capture?: ActorRefFrom<typeof visitMachine> | undefined;
  readonly lots?: ActorRefFrom<typeof lotsMachine> | undefined;
  readonly cpsSession: ActorRefFrom<typeof cpsSessionMachine> | undefined;
}

/** The operation each slot works on (undefined: none). */
export type SlotWork = Readonly<Record<SlotName, string | undefined>>;
const NONE: SlotWork = { cps: undefined, vitale: undefined };

/** The card work of a capture state: reading the Vitale, then signing with both cards. */
export function captureWork(snapshot: { matches(state: string): boolean; readonly context: { readonly patient?: { readonly kind: string } | undefined } }): SlotWork {
  if (snapshot.matches('reading')) return { cps: undefined, vitale: 'lecture Vitale' };
  if (snapshot.matches('securing')) return { cps: 'signature FSE', vitale: snapshot.context.patient?.kind === 'vitale' ? 'signature FSE' : undefined };
  return NONE;
}

/** The card work of a lot-run state: reading the certificate and signing with the CPS. */
export function lotsWork(snapshot: { matches(state: string): boolean }): SlotWork {
  return snapshot.matches('readingCertificate') || snapshot.matches('signing') ? { cps: 'signature lot', vitale: undefined } : NONE;
}

/** Report the card work of the operation and the CPS session's return to `authenticated`; stops observing when stopped. */
export const watchWork = fromCallback<WorkReport, WatchedWork>(({ input, sendBack }) => {
  let work = NONE;
  const report = (next: SlotWork): void => {
    for (const slot of ['cps', 'vitale'] as const) if (next[slot] !== work[slot]) sendBack({ type: 'slot.work', slot, operation: next[slot] });
    work = next;
  };
  const stops: (() => void)[] = [];
  if (input.capture !== undefined) {
    const capture = input.capture;
    report(captureWork(capture.getSnapshot()));
    const subscription = capture.subscribe((snapshot) => report(captureWork(snapshot)));
    stops.push(() => subscription.unsubscribe());
  }
  if (input.lots !== undefined) {
    const lots = input.lots;
    report(lotsWork(lots.getSnapshot()));
    const subscription = lots.subscribe((snapshot) => report(lotsWork(snapshot)));
    stops.push(() => subscription.unsubscribe());
  }
  if (input.cpsSession !== undefined) {
    let authenticated = input.cpsSession.getSnapshot().matches('authenticated');
    const subscription = input.cpsSession.subscribe((snapshot) => {
      const now = snapshot.matches('authenticated');
      if (now && !authenticated) sendBack({ type: 'cps.authenticated' });
      authenticated = now;
    });
    stops.push(() => subscription.unsubscribe());
  }
  return () => {
    for (const stop of stops) stop();
  };
});
