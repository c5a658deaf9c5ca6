/**
 * The PC/SC transport against a bare pcsclite loop, in the same run: the
 * SELECT MF + READ BINARY script against the emulated Vitale (six
 * beneficiaries, about 180 bytes a READ BINARY) through pcscd + vpcd + the
 * TCP_NODELAY shim. Issue 5's targets: at least 2,500 APDU/s, within 10 %
 * of the bare loop. The driver case goes the whole way an application
 * does: ReaderManager, CardSession (queue, deadline, GET RESPONSE chaining,
 * response parsing), then the PC/SC port.
 */
import { createRequire } from 'node:module';
import { ensurePcscd, lockVpcdReaders, missingPcscPrerequisites, releasePcscd, type VpcdClient } from '../../emulator/index.js';
import { hex } from '../../protocol/index.js';
import type { BenchCase, BenchRatio } from '../../bench/run.js';
import type { ReaderTransport } from '../core/transport.js';
import { createReaderManager, type CardSession } from '../session/index.js';
import { createPcscTransport } from './pcsc-transport.js';
import type { PcscliteContext, PcscliteFactory, PcscliteReader } from './pcsclite-module.js';
import { cardShown, PORT0, READER0, serveCard } from './test-support.js';

const SCRIPT = [hex('00 A4 00 0C 02 3F 00'), hex('00 B0 82 00 00')];
const ROUNDS = 50;
/** Both cases of the ratio measured warm (bench/run.ts `timing`). */
const TIMING = { warmupMs: 1500, timeMs: 3000 };

function missing(): string | undefined {
  const why = missingPcscPrerequisites(['pcscd', 'gcc']);
  try {
    createRequire(import.meta.url)('pcsclite');
  } catch {
    why.push('the npm module pcsclite (Debian libpcsclite-dev, then npm ci)');
  }
  return why.length === 0 ? undefined : why.join('; ');
}

/** Serve the Vitale and hold the readers for the case's lifetime. */
function served(): { setup(): Promise<ReaderTransport>; teardown(): Promise<void> } {
  let unlock: () => void = () => undefined;
  let client: VpcdClient | undefined;
  let transport: ReaderTransport | undefined;
  return {
    async setup() {
      unlock = await lockVpcdReaders();
      await ensurePcscd();
      client = (await serveCard('vitale', PORT0)).client;
      transport = createPcscTransport();
      await cardShown(transport, READER0, true, 10_000);
      return transport;
    },
    async teardown() {
      await transport?.close();
      await client?.stop();
      await releasePcscd();
      unlock();
    },
  };
}

function driverCase(): BenchCase {
  const card = served();
  let session: CardSession | undefined;
  return {
    name: 'pcsc driver: emulated Vitale 2 via pcscd+vpcd, SELECT + READ BINARY (CardSession)',
    unit: 'ops/s',
    opsPerCall: ROUNDS * SCRIPT.length,
    target: 2500,
    skip: missing,
    timing: TIMING,
    async setup() {
      session = await createReaderManager(await card.setup()).reader(READER0).connect();
    },
    async fn() {
      for (let i = 0; i < ROUNDS; i++) for (const apdu of SCRIPT) await session!.transmit(apdu);
    },
    async teardown() {
      await session?.disconnect('leave');
      await card.teardown();
    },
  };
}

function bareCase(): BenchCase {
  const card = served();
  let pcsc: PcscliteContext | undefined;
  let reader: PcscliteReader | undefined;
  let protocol = 0;
  return {
    name: 'pcsc bare pcsclite loop: emulated Vitale 2 via pcscd+vpcd, SELECT + READ BINARY',
    unit: 'ops/s',
    opsPerCall: ROUNDS * SCRIPT.length,
    skip: missing,
    timing: TIMING,
    async setup() {
      await card.setup();
      pcsc = (createRequire(import.meta.url)('pcsclite') as PcscliteFactory)();
      pcsc.on('error', () => undefined);
      reader = await new Promise<PcscliteReader>((resolve) =>
        pcsc!.on('reader', (r) => {
          r.on('error', () => undefined);
          if (r.name === READER0) resolve(r);
        }),
      );
      protocol = await new Promise<number>((resolve, reject) =>
        reader!.connect({ share_mode: reader!.SCARD_SHARE_SHARED, protocol: reader!.SCARD_PROTOCOL_T0 | reader!.SCARD_PROTOCOL_T1 }, (e, p) => (e ? reject(e) : resolve(p))),
      );
    },
    async fn() {
      for (let i = 0; i < ROUNDS; i++) {
        for (const apdu of SCRIPT) {
          await new Promise<Buffer>((resolve, reject) => reader!.transmit(Buffer.from(apdu), 258, protocol, (e, d) => (e ? reject(e) : resolve(d))));
        }
      }
    },
    async teardown() {
      await new Promise<void>((resolve) => reader?.disconnect(reader.SCARD_LEAVE_CARD, () => resolve()) ?? resolve());
      for (const r of Object.values(pcsc?.readers ?? {})) r.close();
      pcsc?.close();
      await card.teardown();
    },
  };
}

export const benches: BenchCase[] = [driverCase(), bareCase()];

export const ratios: BenchRatio[] = [{ name: 'pcsc driver / bare pcsclite loop', numerator: benches[0]!.name, denominator: benches[1]!.name, target: 0.9 }];
