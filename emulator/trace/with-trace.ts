/**
 * APDU tracing (issue 4 "Tracing"): a decorator that writes every power
 * event, command, response, presence change and failed call of any
 * {@link VirtualCard} to a {@link TraceSink}, redacted.
 * @module
 */
import type { VirtualCard } from '../card/virtual-card.js';
import { systemClock, type Clock } from '../timing/clock.js';
import { decorate } from '../timing/decorate.js';
import type { TraceSink } from './sinks.js';
import { commandEntry, responseEntry, type TraceEntry } from './trace-entry.js';
import { toHex } from '../../protocol/index.js';

type Call = Extract<TraceEntry, { direction: 'error' }>['call'];

/**
 * Wrap `card` so that everything crossing it is written to `sink`, timed
 * by `clock`. A failed call is written as an error entry (name and code,
 * no message) and rethrown unchanged. Other members of `card` stay reachable.
 */
export function withTrace<C extends VirtualCard>(card: C, sink: TraceSink, clock: Clock = systemClock): C {
  const failed = (call: Call) => (error: unknown): never => {
    const name = error instanceof Error ? error.name : typeof error;
    const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    sink.write({ time: clock.now(), direction: 'error', call, error: name, ...(code === undefined ? {} : { code }) });
    throw error;
  };
  const answered = (event: 'power-on' | 'reset') => (atr: Uint8Array): Uint8Array => {
    sink.write({ time: clock.now(), direction: 'event', event, atr: toHex(atr) });
    return atr;
  };
  card.onPresence((presence) => sink.write({ time: clock.now(), direction: 'event', event: presence }));
  return decorate(card, {
    powerOn: () => card.powerOn().then(answered('power-on'), failed('power-on')),
    reset: () => card.reset().then(answered('reset'), failed('reset')),
    powerOff: () => {
      sink.write({ time: clock.now(), direction: 'event', event: 'power-off' });
      return card.powerOff().catch(failed('power-off'));
    },
    transmit: (command) => {
      const start = clock.now();
      sink.write(commandEntry(start, command));
      return card.transmit(command).then((response) => {
        const time = clock.now();
        sink.write(responseEntry(time, response, time - start));
        return response;
      }, failed('transmit'));
    },
    onPresence: (listener) => card.onPresence(listener),
  });
}
