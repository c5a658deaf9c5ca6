/**
 * What the PC/SC driver's tests and bench share: whether real pcscd + vpcd
 * + pcsclite are here, emulated cards served to pcscd, and waits on the
 * transport's events (pcscd sees cards at its 400 ms presence poll).
 * @module
 */
import { mkdtempSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVpcdClient, fromCard, missingPcscPrerequisites, openCps, openVitale, withFaults, type FaultPlan, type VpcdClient } from '../../emulator/index.js';
import type { ReaderTransport, TransportEvent } from '../core/transport.js';
import { loadPcsclite } from './pcsclite-module.js';
import { untilCardPresence } from '../core/presence.js';

/** vpcd's reader for slot 0 (TCP 35963) and slot 1 (TCP 35964). */
export const READER0 = 'Virtual PCD 00 00';
export const READER1 = 'Virtual PCD 00 01';
export const PORT0 = 35963;
export const PORT1 = 35964;

/** What is missing here to run against real pcscd (one phrase each, with the package to install). */
export async function missingPcsc(): Promise<string[]> {
  const missing = missingPcscPrerequisites(['pcscd', 'gcc']);
  try {
    await loadPcsclite();
  } catch {
    missing.push('the npm module pcsclite (Debian libpcsclite-dev, then npm ci)');
  }
  return missing;
}

/** A persona's card served to pcscd through vpcd on `port`; `faults` wraps it with a fault plan. */
export async function serveCard(kind: 'cps' | 'vitale', port: number, faults?: FaultPlan): Promise<{ client: VpcdClient; atr: Uint8Array }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bifente-pcsc-'));
  const card = kind === 'cps' ? await openCps('dr-benali', { stateDir }) : await openVitale('pt-durand-family', { stateDir });
  const virtual = faults === undefined ? fromCard(card) : withFaults(fromCard(card), faults);
  const client = createVpcdClient(virtual, { atr: card.atr(), port });
  client.start();
  return { client, atr: card.atr() };
}

/** The first event of `transport` that `match` accepts; rejects naming `what` after `timeoutMs`. */
export function nextEvent(transport: ReaderTransport, what: string, match: (event: TransportEvent) => boolean, timeoutMs = 5000): Promise<TransportEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const stop = transport.watch((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

/** Wait until `transport` lists `reader` with a card (or without, when `present` is false). */
export const cardShown = (transport: ReaderTransport, reader: string, present = true, timeoutMs = 5000): Promise<void> => untilCardPresence(transport, reader, present, timeoutMs);

/** File descriptors this process has open now. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
