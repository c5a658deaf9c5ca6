// Every fault of a plan, seen from the PC/SC side: the generic card served
// to real pcscd through vpcd with a fault plan, and pcsc-tools' scriptor as
// the unmodified client (raw PC/SC: unlike opensc-tool, it sends no probing
// APDUs of its own that would meet the faults first).
import test from 'ava';
import { execFile } from 'node:child_process';
import { fromCard } from '../card/virtual-card.js';
import { GENERIC_PIN, genericStorage, lc, mustOpen, pinHex } from '../card/test-support.js';
import { memoryStorage } from '../card/storage.js';
import { createVpcdClient, type VpcdClient } from '../vpcd/client.js';
import { ensurePcscd, missingPcscPrerequisites, releasePcscd } from '../vpcd/pcscd.js';
import { lockVpcdReaders } from '../vpcd/readers-lock.js';
import type { FaultPlan } from './fault-plan.js';
import { tearingSwitch } from './tearing.js';
import { withFaults } from './with-faults.js';
import { readerAtr, until } from '../vpcd/test-support.js';

const READER = 'Virtual PCD 00 00';
const missing = missingPcscPrerequisites(['pcscd', 'scriptor', 'gcc']);
const real = missing.length === 0 ? test.serial : test.skip;
const title = (what: string): string => (missing.length === 0 ? what : `${what} [needs ${missing.join(', ')}]`);
const VERIFY = `00200001${lc(pinHex(GENERIC_PIN, 8))}${pinHex(GENERIC_PIN, 8)}`;

let unlock: () => void = () => undefined;
let client: VpcdClient | undefined;

if (missing.length === 0) {
  test.before(async () => {
    unlock = await lockVpcdReaders();
    await ensurePcscd();
  });
  test.afterEach.always(async () => {
    await client?.stop();
    client = undefined;
    // pcscd notices a removal at its next presence poll (about 400 ms): the
    // next test's card must not arrive before, or pcscd takes it for the old one.
    await until('the reader to be empty', async () => !/3b/i.test(await readerAtr(READER)));
  });
  test.after.always(async () => {
    await releasePcscd();
    unlock();
  });
}

/** Serve the generic card with `plan` in slot 0 and wait until pcscd sees it. */
async function serve(plan: FaultPlan): Promise<void> {
  const tearing = tearingSwitch();
  const seed = genericStorage();
  const card = mustOpen(memoryStorage(seed.read(), seed.baseDir, tearing.hooks));
  client = createVpcdClient(withFaults(fromCard(card), plan, { seed: 7, tearing }), { atr: card.atr() });
  client.start();
  await until('the card in the reader', async () => /3b/i.test(await readerAtr(READER)));
}


/** scriptor on slot 0 with `lines` (APDUs in hex, or `reset`): its output, whatever its exit. */
async function scriptor(lines: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('scriptor', ['-r', READER], { timeout: timeoutMs }, (e, stdout, stderr) =>
      resolve(`${e !== null && (e as { killed?: boolean }).killed === true ? 'KILLED\n' : ''}${stdout}${stderr}`),
    );
    child.stdin?.end(`${lines.join('\n')}\n`);
  });
}

/** The status words scriptor received, in order ("< 90 00 : Normal processing."). */
const sws = (out: string): string[] =>
  [...out.matchAll(/^< (?:[0-9A-F]{2} )*?([0-9A-F]{2}) ([0-9A-F]{2}) : /gim)].map((m) => `${m[1]}${m[2]}`.toUpperCase());


real(title('wrong status word: the client receives the planted SW'), async (t) => {
  await serve({ faults: [{ name: 'sw', trigger: { prefix: '00 A4 00' }, action: { kind: 'status', sw: '6581' } }] });
  t.deepEqual(sws(await scriptor(['00A4000C023F00', '00A4000C023F00'])), ['6581', '9000']);
});

real(title('corruption: the answer arrives with flipped bits'), async (t) => {
  await serve({ faults: [{ name: 'flip', trigger: { ins: 'CA' }, times: 'unlimited', action: { kind: 'corrupt', bits: 1, region: 'status' } }] });
  const out = await scriptor(['00CA5F2000']);
  const [sw] = sws(out);
  t.truthy(sw, out);
  t.notRegex(sw!, /^(9000|6A88)$/, 'one SW bit flipped: neither success nor the true refusal');
});

real(title('delay: the answer comes late, and still comes'), async (t) => {
  await serve({ faults: [{ name: 'slow', trigger: { prefix: '00 A4 00' }, action: { kind: 'delay', ms: 700 } }] });
  const started = Date.now();
  const out = await scriptor(['00A4000C023F00']);
  t.deepEqual(sws(out), ['9000'], out);
  t.true(Date.now() - started >= 700);
});

real(title('mute: the client gets no answer to the APDU'), async (t) => {
  await serve({ faults: [{ name: 'mute', trigger: { afterApdus: 0 }, action: { kind: 'mute' } }] });
  const out = await scriptor(['00A4000C023F00'], 4000);
  t.deepEqual(sws(out), [], out);
});

real(title('removal in the middle of an APDU: the transmit fails and the reader is empty'), async (t) => {
  await serve({ faults: [{ name: 'pull', trigger: { prefix: '00 A4 00' }, action: { kind: 'remove', when: 'before' } }] });
  const out = await scriptor(['00A4000C023F00']);
  t.deepEqual(sws(out), [], out);
  await new Promise((r) => setTimeout(r, 800));
  t.notRegex(await readerAtr(READER), /3b/i, 'no card in the reader any more');
});

real(title('PIN blocked by the plan: VERIFY answers 6983'), async (t) => {
  await serve({ faults: [{ name: 'block', trigger: { ins: '20' }, action: { kind: 'block-pin' } }] });
  t.deepEqual(sws(await scriptor([VERIFY])), ['6983']);
});

real(title('tearing inside CHANGE REFERENCE DATA: the change fails, the old PIN still works'), async (t) => {
  await serve({ faults: [{ name: 'tear', trigger: { ins: '24' }, action: { kind: 'tear', when: 'inside' } }] });
  const change = `00240001${lc(pinHex(GENERIC_PIN, 8) + pinHex('9999', 8))}${pinHex(GENERIC_PIN, 8)}${pinHex('9999', 8)}`;
  // The torn card answers 6F00, then reloads its stored image at the next reset.
  // Power is lost mid-write: the card drops off the line, as a real one would.
  const torn = await scriptor([change]);
  t.deepEqual(sws(torn), [], torn);
  // The client plugs it back; the old PIN still opens it: the torn write left the old image.
  await until('pcscd to see the card leave', async () => !/3b/i.test(await readerAtr(READER)));
  await until('the card back in the reader', async () => /3b/i.test(await readerAtr(READER)));
  const out = await scriptor([VERIFY]);
  t.deepEqual(sws(out), ['9000'], out);
});
