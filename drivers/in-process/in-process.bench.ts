/**
 * The in-process transport through the whole session layer
 * (ReaderManager → CardSession → chaining decorator → port → card): SELECT
 * MF (P2 0C, no FCI) + READ BINARY SFI 2 on the emulated carte Vitale 2
 * (issue 5: at least 100,000 APDU/s; p50/p99 from the single-APDU case).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase } from '../../bench/run.js';
import { fromCard, openVitale } from '../../emulator/index.js';
import { hex } from '../../protocol/index.js';
import { createReaderManager, type CardSession, type ReaderManager } from '../session/index.js';
import { createInProcessTransport } from './in-process-transport.js';

const SELECT = hex('00 A4 00 0C 02 3F 00');
const READ = hex('00 B0 82 00 00');
const PAIRS = 100;
const stateDir = mkdtempSync(join(tmpdir(), 'in-process-bench-'));
let manager: ReaderManager | undefined;
let session: CardSession | undefined;

async function setup(): Promise<void> {
  const transport = createInProcessTransport();
  transport.addReader('Vitale');
  await transport.insert('Vitale', fromCard(await openVitale('pt-durand-family', { stateDir })));
  manager = createReaderManager(transport);
  session = await manager.reader('Vitale').connect();
}

async function teardown(): Promise<void> {
  await manager?.close();
  rmSync(stateDir, { recursive: true, force: true });
}

function open(): CardSession {
  if (session === undefined) throw new Error('setup did not run');
  return session;
}

async function pair(s: CardSession): Promise<void> {
  await s.transmit(SELECT);
  if ((await s.transmit(READ)).data.length !== 256) throw new Error('READ BINARY SFI 2 failed');
}

export const benches: BenchCase[] = [
  {
    name: 'Vitale SELECT + READ BINARY via CardSession, in-process transport',
    unit: 'ops/s',
    opsPerCall: 2 * PAIRS,
    target: 100_000,
    setup,
    teardown,
    fn: async () => {
      const s = open();
      for (let i = 0; i < PAIRS; i++) await pair(s);
    },
  },
  {
    name: 'one READ BINARY via CardSession, in-process transport (latency p50/p99)',
    unit: 'ops/s',
    opsPerCall: 1,
    setup,
    teardown,
    fn: async () => {
      if ((await open().transmit(READ)).sw !== 0x9000) throw new Error('READ BINARY SFI 2 failed');
    },
  },
];
