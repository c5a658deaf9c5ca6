// Test world of the visit capture: an in-process transport with a CPS and a
// Vitale reader, the emulator's real persona cards, a real terminal store
// in a temporary folder, the tariffs and the test CA (STYLE.md "Tests").
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessTransport, createReaderManager, expectStore, openTerminalStore, type CardSession, type InProcessTransport, type ReaderManager, type TerminalStore } from '../../drivers/index.js';
import { fromCard, loadDoctors, openCps, openVitale, type Doctor } from '../../emulator/index.js';
import { parseTariffBook, type TariffBook } from '../billing/index.js';
import { readCpsCard, transmitVerify, type CpsSituation } from '../machines/index.js';
import { readCpsSigner, type CpsSigner, type DeviceInfo, type ReplacedDoctors } from '../securing/index.js';

const ROOT = new URL('../../', import.meta.url);

/** The test CA, PEM. */
export const CA_PEM = readFileSync(new URL('test-vectors/pki/ca/ca.cert.pem', ROOT), 'utf8');

/** The tariff book of test-vectors/tariffs. */
export function tariffBook(): TariffBook {
  const parsed = parseTariffBook(JSON.parse(readFileSync(new URL('test-vectors/tariffs/tariffs.json', ROOT), 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The device of the tests (agreement number and local fund: ours). */
export const DEVICE: DeviceInfo = { agreement: 'BFT-TLA-0001', localFund: { regime: '01', caisse: '751', centre: '1001' } };

/** The replacement registry built from the doctor personas. */
export function replacedDoctorsOf(doctors: readonly Doctor[]): ReplacedDoctors {
  return ({ doctorId, situation }) => {
    const doctor = doctors.find((d) => d.id === doctorId);
    const billingNumber = doctor?.situations[situation]?.billingNumber;
    return doctor === undefined || billingNumber === undefined ? undefined : { id: doctor.rpps, billingNumber };
  };
}

/** A fresh temporary folder. */
export const tempDir = (prefix = 'bifente-capture-'): string => mkdtempSync(join(tmpdir(), prefix));

/** Two readers, the doctor's CPS with its PIN verified, a store; Vitales come and go. */
export interface VisitWorld {
  readonly transport: InProcessTransport;
  readonly manager: ReaderManager;
  readonly doctor: Doctor;
  readonly cps: CardSession;
  readonly signer: CpsSigner;
  readonly situations: readonly CpsSituation[];
  readonly store: TerminalStore;
  readonly replacedDoctors: ReplacedDoctors;
  readonly stateDir: string;
  /** Insert the patient's Vitale and connect to it. */
  insertVitale(patientId: string): Promise<CardSession>;
  /** Pull the Vitale. */
  removeVitale(): Promise<void>;
  close(): Promise<void>;
}

/** Reader names of the tests. */
export const READERS = { cps: 'CPS', vitale: 'Vitale' } as const;

/** Build a world: `verifyPin: false` leaves the CPS unauthenticated. */
export async function visitWorld(doctorId: string, options: { verifyPin?: boolean; capacity?: number } = {}): Promise<VisitWorld> {
  const stateDir = tempDir();
  const doctors = await loadDoctors();
  const doctor = doctors.find((d) => d.id === doctorId);
  if (doctor === undefined) throw new Error(`no doctor ${doctorId}`);
  const transport = createInProcessTransport();
  transport.addReader(READERS.cps);
  transport.addReader(READERS.vitale);
  const manager = createReaderManager(transport, { timeoutMs: 5000 });
  await transport.insert(READERS.cps, fromCard(await openCps(doctorId, { stateDir })));
  const cps = await manager.reader(READERS.cps).connect();
  if (options.verifyPin !== false) {
    const sw = await transmitVerify(cps, 1, new TextEncoder().encode(doctor.pin));
    if (sw !== 0x9000) throw new Error(`VERIFY answered ${sw.toString(16)}`);
  }
  const { situations } = await readCpsCard(cps);
  const signer = await readCpsSigner(cps);
  const store = expectStore(await openTerminalStore(join(stateDir, 'terminal.db'), { capacity: options.capacity ?? 1000 }));
  return {
    transport,
    manager,
    doctor,
    cps,
    signer,
    situations,
    store,
    replacedDoctors: replacedDoctorsOf(doctors),
    stateDir,
    async insertVitale(patientId) {
      await transport.insert(READERS.vitale, fromCard(await openVitale(patientId, { stateDir })));
      return manager.reader(READERS.vitale).connect();
    },
    removeVitale: () => transport.remove(READERS.vitale),
    async close() {
      await manager.close();
      await store.close();
    },
  };
}
