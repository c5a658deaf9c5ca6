/**
 * The practice's PC of the home-visit day, on the real host SDK: the host
 * database in the output folder, the emulated teleservices started in
 * process on a free loopback port (the day's clock, seeded randomness), the
 * doctor's CPS in an in-process PC reader as the host's signer, the sync
 * with a terminal over the link, the rights lookups with their cache.
 *
 * OURS: the PC reader's name, one teleservice client a time the card is in
 * the PC reader (the card goes back to the terminal in between), the rights
 * cache kept 24 hours, the host's software agreement number.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInProcessTransport, createReaderManager, type Link } from '../../drivers/index.js';
import { createTeleservice, fromCard, openCps, revokedSerials, seededRng, type Teleservice } from '../../emulator/index.js';
import {
  cardCpsSigner,
  connectTeleservice,
  lookupRights,
  openHostDatabase,
  syncTerminal,
  type HostClock,
  type HostCpsSigner,
  type HostDatabase,
  type RightsLookup,
  type RightsRequest,
  type SyncSummary,
  type TeleserviceClient,
} from '../../host-sdk/index.js';

const ROOT = new URL('../../', import.meta.url);
const CA = fileURLToPath(new URL('test-vectors/pki/ca/ca.cert.pem', ROOT));
const CRL = fileURLToPath(new URL('test-vectors/pki/ca/crl.pem', ROOT));
/** The PC's card reader (OURS). */
const PC_READER = 'bifente PC CPS';
/** The host software's agreement number, written in the B2 files (OURS). */
export const HOST_SOFTWARE_AGREEMENT = 'BF-HOST-0001';

/** What the PC is built from. */
export interface PracticeOptions {
  readonly outDir: string;
  readonly clock: HostClock;
  readonly seed: number;
  readonly doctorId: string;
  /** The doctor's code porteur: reaches the card only, never a log or the report. */
  readonly pin: string;
  /** Where the emulated cards keep their state (the same card as in the terminal). */
  readonly cardDir: string;
  readonly utcOffsetMinutes: number;
}

/** The doctor's CPS in the PC reader, a signer and a teleservice client over it. */
export interface CpsAtPc {
  readonly signer: HostCpsSigner;
  readonly client: TeleserviceClient;
}

/** The practice's PC. */
export interface Practice {
  readonly db: HostDatabase;
  /** The teleservice's base URL (loopback, a free port). */
  readonly url: string;
  readonly teleservice: Teleservice;
  /** The practice's UTC offset, minutes. */
  readonly utcOffsetMinutes: number;
  /** Sync with the terminal serving `link`: verify, store, acknowledge. */
  sync(link: Link): Promise<SyncSummary>;
  /** The CPS in the PC reader for the time of `work`, then back out. */
  withCps<T>(work: (cps: CpsAtPc) => Promise<T>): Promise<T>;
  /** Rights lookup through the host's cache (24 hours). */
  rights(client: TeleserviceClient, request: RightsRequest): Promise<RightsLookup>;
  close(): Promise<void>;
}

/** Open the PC: the host database and the teleservice (listening), both in `outDir`. */
export async function openPractice(options: PracticeOptions): Promise<Practice> {
  const { clock, outDir } = options;
  const ca = readFileSync(CA, 'utf8');
  const crl = revokedSerials(readFileSync(CRL, 'utf8'), new X509Certificate(ca));
  if (!crl.ok) throw new Error(`${CRL}: ${crl.message}`);
  const revoked = new Set(crl.revokedSerials);
  const rng = seededRng(options.seed ^ 0x7e1e);
  const teleservice = await createTeleservice({
    database: join(outDir, 'teleservice.db'),
    clock,
    rateLimit: false,
    randomBytes: (size) => rng.bytes(size),
  });
  const db = await openHostDatabase(join(outDir, 'host.db'), { clock });
  let url: string;
  try {
    url = await teleservice.listen();
  } catch (error) {
    db.close();
    await teleservice.close();
    throw error;
  }
  let cpsUses = 0;
  return {
    db,
    url,
    teleservice,
    utcOffsetMinutes: options.utcOffsetMinutes,
    sync: (link) => syncTerminal(link, db, { ca, now: () => clock.now(), utcOffsetMinutes: options.utcOffsetMinutes, revokedSerials: revoked }),
    async withCps(work) {
      const transport = createInProcessTransport();
      transport.addReader(PC_READER);
      const manager = createReaderManager(transport, { timeoutMs: 10_000 });
      try {
        await transport.insert(PC_READER, fromCard(await openCps(options.doctorId, { stateDir: options.cardDir, seed: options.seed })));
        const signer = cardCpsSigner(await manager.reader(PC_READER).connect(), { pin: () => options.pin });
        cpsUses += 1;
        const client = await connectTeleservice(url, { signer, clock, retry: { seed: options.seed + cpsUses } });
        return await work({ signer, client });
      } finally {
        await manager.close();
      }
    },
    rights: (client, request) => lookupRights(db, client, request),
    async close() {
      db.close();
      await teleservice.close();
    },
  };
}
