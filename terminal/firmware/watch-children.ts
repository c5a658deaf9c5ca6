/**
 * The bridge from the firmware's children to the firmware machine: a
 * `fromCallback` actor that observes the device and the two slots (their
 * snapshots and the device's emitted events) and reports what the
 * composition reacts to as events. Observation is the actor's I/O; the
 * firmware's transitions stay free of side effects (STYLE.md "Statecharts").
 * @module
 */
import { fromCallback, type ActorRefFrom } from 'xstate';
import type { CardSession } from '../../drivers/index.js';
import { deviceMachine, slotMachine } from '../machines/index.js';

/** The slots of the bi-fente reader: slot 0 holds the CPS, slot 1 the carte Vitale (DOMAIN.md "Readers"). */
export type SlotName = 'cps' | 'vitale';

/** What the watcher reports to the firmware machine. */
export type ChildReport =
  /** The slot's card is powered and is the card the slot is for: its session is the other machines' channel. */
  | { readonly type: 'slot.ready'; readonly slot: SlotName; readonly session: CardSession }
  /** The slot's card left the ready state (pulled, or the slot was reset). */
  | { readonly type: 'slot.left'; readonly slot: SlotName }
  /** The device fell asleep (its `idleTimeout`). */
  | { readonly type: 'device.sleep' }
  /** The device entered one of the activities the composition runs (main-menu entries). */
  | { readonly type: 'device.activity'; readonly activity: 'capturing' | 'transfer' };

/** What the watcher observes. */
export interface WatchedChildren {
  readonly device: ActorRefFrom<typeof deviceMachine>;
  readonly slots: Readonly<Record<SlotName, ActorRefFrom<typeof slotMachine>>>;
}

/** Report slot readiness changes, the device's sleep and its activities; stops observing when stopped. */
export const watchChildren = fromCallback<ChildReport, WatchedChildren>(({ input, sendBack }) => {
  const stops: (() => void)[] = [];
  for (const slot of ['cps', 'vitale'] as const) {
    let ready: CardSession | undefined;
    const subscription = input.slots[slot].subscribe((snapshot) => {
      const now = snapshot.matches('ready') ? snapshot.context.session : undefined;
      if (now === ready) return;
      if (ready !== undefined) sendBack({ type: 'slot.left', slot });
      if (now !== undefined) sendBack({ type: 'slot.ready', slot, session: now });
      ready = now;
    });
    stops.push(() => subscription.unsubscribe());
  }
  let activity: string | undefined;
  const device = input.device.subscribe((snapshot) => {
    const now = snapshot.matches({ on: 'capturing' }) ? 'capturing' : snapshot.matches({ on: 'transfer' }) ? 'transfer' : undefined;
    if (now !== undefined && now !== activity) sendBack({ type: 'device.activity', activity: now });
    activity = now;
  });
  stops.push(() => device.unsubscribe());
  stops.push(input.device.on('device.sleep', () => sendBack({ type: 'device.sleep' })).unsubscribe);
  return () => {
    for (const stop of stops) stop();
  };
});
