// Host figures of issue 7: signatures verified a second on the host
// (`verifySecuredFse` over real mode-S secured FSEs: 2 signatures each, CPS
// and Vitale), and lots uploaded a second end to end through the host's
// client (B2 built from the held FSEs, POST, receipt recorded in the host
// database) to the real teleservice on loopback, which checks every lot's
// signature and chain (target ≥ 300 lots/s; lots of 3 FSEs, 8 in flight,
// server and client in this one process).
import { createPrivateKey, createSign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTeleservice, virtualClock, type Teleservice } from '../emulator/index.js';
import { encodeLot, encodeSignedLot, makeLot, parseSecuredFse, sha256, verifySecuredFse, type LotFseEntry } from '../protocol/index.js';
import { CA_PEM, DEVICE, HOST_NOW, hostDatabase, openCards, securedFseRecord, tempFolder } from './test-support.js';
import { connectTeleservice, uploadLots, type HostCpsSigner, type HostDatabase, type TeleserviceClient } from './index.js';

const PKI = new URL('../test-vectors/pki/doctors/', import.meta.url);
const pem = (file: string): string => readFileSync(new URL(file, PKI), 'utf8');
const der = (file: string): Uint8Array => new Uint8Array(new X509Certificate(pem(file)).raw);
const rsa = (file: string) => {
  const key = createPrivateKey(pem(file));
  return async (data: Uint8Array): Promise<Uint8Array> => new Uint8Array(createSign('sha256').update(data).sign(key));
};
/** dr-benali's CPS as key files (the bench measures the host and the server, not a card). */
const keyFileSigner: HostCpsSigner = {
  kind: 'pkcs11',
  authenticationCertificate: async () => der('dr-benali-auth.cert.pem'),
  signatureCertificate: async () => der('dr-benali-sign.cert.pem'),
  authenticate: rsa('dr-benali-auth.key.pem'),
  sign: rsa('dr-benali-sign.key.pem'),
};

const LOT_FSES = 3;
const LOTS = 600;
const CONCURRENCY = 8;
const fses: Uint8Array[] = [];
let teleservice: Teleservice | undefined;
let client: TeleserviceClient | undefined;
let db: HostDatabase | undefined;
const entries: LotFseEntry[] = [];
const fseIds: number[] = [];
let round = 0;
const folder = tempFolder();
let sink = 0;

async function secureSamples(): Promise<void> {
  const cards = await openCards();
  try {
    for (let id = 1; fses.length < 8; id += 2) fses.push((await securedFseRecord(cards, id)).bytes); // odd ids: mode S
  } finally {
    await cards.close();
  }
}

async function prepareUpload(): Promise<void> {
  if (fses.length === 0) await secureSamples();
  const clock = virtualClock(HOST_NOW);
  teleservice = await createTeleservice({ database: join(folder.dir, 'teleservice.db'), clock, rateLimit: false, log: () => undefined });
  client = await connectTeleservice(await teleservice.listen(), { signer: keyFileSigner, clock });
  await client.authenticate();
  db = await hostDatabase(folder.dir, 'bench-host.db');
  db.upsertTerminal(DEVICE, HOST_NOW);
  const syncId = db.beginSync(DEVICE.serial, HOST_NOW);
  for (const bytes of fses.slice(0, LOT_FSES)) {
    const s = parseSecuredFse(bytes);
    if (!s.ok) throw new Error(s.error.message);
    const f = s.value.fse;
    const held = db.storeFse({ terminalSerial: DEVICE.serial, invoiceNumber: f.invoiceNumber, bytes, digest: sha256(bytes), verdict: 'verified', receivedAt: HOST_NOW }, syncId);
    fseIds.push(held.id);
    entries.push({ invoiceNumber: f.invoiceNumber, digest: sha256(bytes), securing: f.securing, totalCents: f.totals.totalCents, amoCents: f.totals.amoCents });
  }
}

/** `LOTS` new signed lots of the same FSEs (numbers and times differ, so every lot is new to the server). */
async function signLots(): Promise<void> {
  const certificate = await keyFileSigner.signatureCertificate();
  for (let i = 0; i < LOTS; i++) {
    const k = round * LOTS + i;
    const lot = makeLot({ destination: '751', lotNumber: (k % 999) + 1, createdAt: `2026-03-14T10:${String(Math.floor(k / 60) % 60).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}+01:00`, deviceAgreement: DEVICE.agreementNumber, portable: true, fses: entries });
    if (!lot.ok) throw new Error(lot.error.message);
    const bytes = encodeSignedLot({ lot: lot.value, cps: { signature: await keyFileSigner.sign(encodeLot(lot.value)), certificate } });
    db!.uploads.storeBuiltLot({ terminalSerial: DEVICE.serial, destination: '751', lotNumber: lot.value.lotNumber, bytes, digest: sha256(bytes), fseIds, at: HOST_NOW + k });
  }
  round++;
}

/** Rounds of `LOTS` uploads; the median round is reported (one round of about 2 s swung 290-420 lots/s between runs). */
const UPLOAD_ROUNDS = 3;

async function measureUploads() {
  const rounds: { rate: number; meanMs: number }[] = [];
  for (let r = 0; r < UPLOAD_ROUNDS; r++) {
    await signLots();
    const started = performance.now();
    const { sent, failed } = await uploadLots(db!, client!, { softwareAgreement: 'BIFENTE-0001', concurrency: CONCURRENCY });
    const seconds = (performance.now() - started) / 1000;
    if (sent.length !== LOTS || failed.length > 0) throw new Error(`uploaded ${sent.length} of ${LOTS}, ${failed.length} failed`);
    // No per-request timing: both latencies are the mean time a lot spends in flight.
    rounds.push({ rate: LOTS / seconds, meanMs: (seconds * 1000 * CONCURRENCY) / LOTS });
  }
  const median = rounds.sort((a, b) => a.rate - b.rate)[Math.floor(UPLOAD_ROUNDS / 2)]!;
  return { value: median.rate, samples: LOTS * UPLOAD_ROUNDS, p50Ms: median.meanMs, p99Ms: median.meanMs };
}

const verifyOne = (): number => {
  const r = verifySecuredFse(fses[sink++ % fses.length]!, { ca: CA_PEM });
  if (!r.ok) throw new Error('a bench FSE does not verify');
  return sink;
};

export const benches = [
  { name: 'host verifySecuredFse, mode S (FSE/s)', unit: 'ops/s' as const, opsPerCall: 1, setup: secureSamples, fn: verifyOne },
  { name: 'host verifySecuredFse, mode S (signatures/s, 2 per FSE)', unit: 'ops/s' as const, opsPerCall: 2, setup: async () => (fses.length === 0 ? secureSamples() : undefined), fn: verifyOne },
  {
    name: `host lot upload end to end (lots of ${LOT_FSES} FSEs, ${CONCURRENCY} in flight, signature checked by the teleservice)`,
    unit: 'ops/s' as const,
    opsPerCall: 1,
    target: 300,
    setup: prepareUpload,
    measure: measureUploads,
    teardown: async () => {
      db?.close();
      await teleservice?.close();
      folder.remove();
    },
  },
];
