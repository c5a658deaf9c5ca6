// The carte Vitale through real pcscd + vpcd in the bi-fente reader's second
// slot (port 35964, "Virtual PCD 00 01"): Rufus's read sequence with
// unmodified opensc-tool, and what OpenSC's card detection makes of it.
// Skips, with the reason in every title, where the system packages are missing.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findTlv, hex, parseTlv, type TlvItem } from '../../protocol/index.js';
import { fromCard } from '../card/virtual-card.js';
import { loadPersona, type Patient } from '../personas/index.js';
import { createVpcdClient, VPCD_PORT_SLOT1, type VpcdClient } from '../vpcd/client.js';
import { ensurePcscd, missingPcscPrerequisites, releasePcscd } from '../vpcd/pcscd.js';
import { lockVpcdReaders } from '../vpcd/readers-lock.js';
import { readerAtr, until } from '../vpcd/test-support.js';
import { openVitale } from './vitale.js';

const execFileAsync = promisify(execFile);
const READER1 = 'Virtual PCD 00 01';
const missing = missingPcscPrerequisites(['pcscd', 'opensc-tool']);
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string) => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);

const patient = (await loadPersona('pt-durand-family')) as Patient;
const work = mkdtempSync(join(tmpdir(), 'vitale-pcscd-'));
let client: VpcdClient | undefined;
let unlockReaders: () => void = () => undefined;

/** Run opensc-tool asynchronously: the card is served by this process's event loop. */
async function openscTool(args: readonly string[]): Promise<string> {
  const { stdout, stderr } = await execFileAsync('opensc-tool', ['-r', READER1, ...args], { timeout: 30_000 });
  return stdout + stderr;
}

/** The answers opensc-tool prints after "Received (SW1=0x.., SW2=0x..)": SW and data, in order. */
function answers(output: string): { sw: string; data: Uint8Array }[] {
  return output
    .split(/Received \(SW1=0x/)
    .slice(1)
    .map((part) => {
      const [, sw1 = '', sw2 = '', rest = ''] = /^([0-9a-f]{2}), SW2=0x([0-9a-f]{2})\)(?::?)([\s\S]*?)(?=Sending:|$)/i.exec(part) ?? [];
      // Each dump line: up to 16 hex bytes, then the same bytes as text.
      const bytes = [...rest.matchAll(/^[0-9A-F]{2}(?: [0-9A-F]{2}){0,15}/gim)].map((m) => m[0]).join(' ');
      return { sw: `${sw1}${sw2}`.toUpperCase(), data: hex(bytes) };
    });
}

const latin1 = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('latin1');
const templates = (bytes: Uint8Array): TlvItem[] => {
  const parsed = parseTlv(bytes);
  return parsed.ok ? parsed.value.filter((i) => 'tag' in i) : [];
};

if (missing.length === 0) {
  test.before(async () => {
    unlockReaders = await lockVpcdReaders({ timeoutMs: 120_000 });
    await ensurePcscd();
    const card = await openVitale(patient.id, { stateDir: join(work, 'state') });
    client = createVpcdClient(fromCard(card), { atr: card.atr(), port: VPCD_PORT_SLOT1 });
    client.start();
    // pcscd polls the ATR about every 400 ms: wait until the card shows in the reader.
    await until(`the Vitale in ${READER1}`, async () => (await readerAtr(READER1)).includes('3b:75:13:00'), 5000);
  });
  test.after.always(async () => {
    await client?.stop();
    await releasePcscd();
    unlockReaders();
    rmSync(work, { recursive: true, force: true });
  });
}

real(title('Rufus sequence in one opensc-tool run: names from the MF, NIR and nationality from VITALE'), async (t) => {
  const output = await openscTool(['-s', '00A40000023F00', '-s', '00B0820000', '-s', '00A404000BD250000002564954414C45', '-s', '00B0820000']);
  const [selectMf, names, selectVitale, nirs] = answers(output);
  t.regex(selectMf?.sw ?? '', /^(9000|61..)$/);
  t.regex(selectVitale?.sw ?? '', /^(9000|61..)$/);
  t.is(names?.sw, '9000');
  t.is(nirs?.sw, '9000');
  t.deepEqual(
    templates(names?.data ?? new Uint8Array()).map((o) => latin1(findTlv([o], [0x65, 0x81])?.value)),
    patient.beneficiaries.map((b) => b.firstName),
  );
  t.deepEqual(
    templates(nirs?.data ?? new Uint8Array()).map((o) => latin1(findTlv([o], [0x65, 0x93])?.value)),
    patient.beneficiaries.map((b) => b.nir),
  );
});

real(title('opensc-tool -n does not take the Vitale for a card it knows'), async (t) => {
  const output = await openscTool(['-n']).catch((e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`);
  t.log(`opensc-tool -n: ${output.trim()}`);
  t.notRegex(output, /IAS-ECC|PIV|OpenPGP|CAC|Coolkey|Muscle|MICARDO|Starcos|CardOS/i);
});
