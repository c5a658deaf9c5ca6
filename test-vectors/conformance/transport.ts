/**
 * The card conformance suite (issue 5 "One suite for all transports";
 * STYLE.md "Drivers", after serialport's binding conformance suite): the
 * same card sessions run through the session layer of `drivers/` over any
 * {@link ReaderTransport}, with results and errors recorded as data in a
 * normalized {@link Transcript}, so that transports can be compared.
 *
 * The APDUs are what real software sends to these cards (DOMAIN.md "What
 * real software sends"): Rufus's Vitale read, the CPS PIN with its retry
 * counter (IAS-ECC GET DATA 9B), MSE SET + PSO COMPUTE DIGITAL SIGNATURE
 * over a SHA-256 DigestInfo. The key reference (02) and PIN reference
 * (01) are the emulated CPS3's (OURS, not the official Cryptolib's).
 * @module
 */
import test from 'ava';
import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findTlv, hex, parseTlv, toHex, type TlvItem, type TlvNode } from '../../protocol/index.js';
import { createReaderManager, isDriverError, redactCommand, type CardSession, type ReaderManager, type ReaderTransport } from '../../drivers/index.js';

/** The doctor whose CPS sits in the fixture's CPS reader. */
export interface ExpectedDoctor {
  /** The CPS PIN ("code porteur", 4 digits); never logged nor recorded. */
  readonly pin: string;
  /** DER of the certificate of the CPS signature key (key reference 02). */
  readonly signatureCertificate: Uint8Array;
}

/** One beneficiary as the Vitale read shows it (Rufus's sequence, DOMAIN.md). */
export interface ExpectedBeneficiary {
  readonly surname: string;
  readonly firstName: string;
  /** YYYYMMDD. */
  readonly birthDate: string;
  /** 15 characters, key included. */
  readonly nir: string;
  readonly nationality: string;
}

/** The carte Vitale data the suite must read, in card order. */
export interface ExpectedVitale {
  readonly beneficiaries: readonly ExpectedBeneficiary[];
}

/**
 * What a transport's test gives the suite: a transport with a CPS and a
 * carte Vitale in two readers, fresh (CPS PIN counter at 3), and hands to
 * pull and put back a card. With vpcd, `removeCard` stops the card's vpcd
 * client and `insertCard` starts it again; with a real reader, a person
 * or a USB switch does it.
 */
export interface CardFixture {
  readonly transport: ReaderTransport;
  readonly cpsReader: string;
  readonly vitaleReader: string;
  readonly doctor: ExpectedDoctor;
  readonly patient: ExpectedVitale;
  /** Pull the card from `reader`; resolves once it is out (the transport reports it when it notices). */
  removeCard(reader: string): Promise<void>;
  /** Put the same card back, answering again (not mute). */
  insertCard(reader: string): Promise<void>;
  /** Make the card in `reader` stop answering (feature `muteCard`); `insertCard` after `removeCard` brings it back answering. */
  muteCard?(reader: string): Promise<void>;
  /** Release everything the fixture made (cards, clients, the transport). */
  close(): Promise<void>;
}

/**
 * What a transport can do, as JSON-able flags: a missing feature shows as
 * a titled skip, never a pass (STYLE.md "Drivers").
 */
export interface TransportFeatures {
  /** A second connection to a card held exclusively gets `sharing-violation`. */
  readonly exclusive: boolean;
  /** During one session's transaction another session's exchange gets `sharing-violation`. */
  readonly transactions: boolean;
  /** Extended-length APDUs reach the card (ISO/IEC 7816-4 §5.1). */
  readonly extendedApdu: boolean;
  /** The fixture can make a card mute (`muteCard`): exchanges time out. */
  readonly muteCard: boolean;
  /** A card pulled during an exchange (needs `muteCard` to hold it) rejects it with `card-removed`. */
  readonly removalMidApdu: boolean;
  /** The cards are the emulator's personas: the transcript must equal the recorded reference. */
  readonly emulatedCards: boolean;
}

/** One step of a session, normalized: reader names become roles, PINs are redacted, times are left out. */
export interface TranscriptStep {
  readonly session: string;
  /** The command in hex, PIN bodies redacted, or what was done (`remove the card`). */
  readonly action: string;
  /** `sw 9000 <data hex>`, or `error <code>`, or what was seen. */
  readonly outcome: string;
}

/** What a run of the core sessions did, for comparing transports. */
export type Transcript = readonly TranscriptStep[];

/** The assertions a session makes: ava's `t` fits; {@link runCardSessions} throws instead. */
export interface Check {
  is(actual: unknown, expected: unknown, message?: string): unknown;
  deepEqual(actual: unknown, expected: unknown, message?: string): unknown;
  true(actual: boolean, message?: string): unknown;
}

interface SessionContext {
  readonly fixture: CardFixture;
  readonly manager: ReaderManager;
  readonly check: Check;
  readonly steps: TranscriptStep[];
}

type CardSessionRun = (ctx: SessionContext) => Promise<void>;

/** How long the suite waits for a card to show or leave: vpcd cards show at pcscd's 400 ms poll. */
const CARD_WAIT_MS = 10_000;
const VITALE_AID = 'D2 50 00 00 02 56 49 54 41 4C 45';
const SHA256_DIGEST_INFO_PREFIX = '3031300D060960864801650304020105000420';
/** What the suite signs: a lot's worth of text, hashed with SHA-256. */
const SIGNED_MESSAGE = 'bifente conformance lot 001';

const REFERENCE = fileURLToPath(new URL('card-transcript.json', import.meta.url));

function role(ctx: SessionContext, reader: string): string {
  if (reader === ctx.fixture.cpsReader) return 'cps';
  return reader === ctx.fixture.vitaleReader ? 'vitale' : reader;
}

function outcomeOfError(error: unknown): string {
  if (isDriverError(error)) return `error ${error.code}`;
  throw error;
}

/** Send `apdu` (hex), record the step, return the response. */
async function send(ctx: SessionContext, session: CardSession, name: string, apdu: string | Uint8Array, options?: { timeoutMs?: number }) {
  const bytes = typeof apdu === 'string' ? hex(apdu) : apdu;
  const action = `${role(ctx, session.reader)}: ${redactCommand(bytes)}`;
  try {
    const response = await session.transmit(bytes, options);
    ctx.steps.push({ session: name, action, outcome: `sw ${response.sw.toString(16).toUpperCase().padStart(4, '0')} ${toHex(response.data)}`.trimEnd() });
    return response;
  } catch (error) {
    ctx.steps.push({ session: name, action, outcome: outcomeOfError(error) });
    throw error;
  }
}

/** The outcome of a call expected to fail, recorded. */
async function failing(ctx: SessionContext, name: string, action: string, call: Promise<unknown>): Promise<string> {
  const outcome = await call.then(
    () => 'succeeded',
    (error: unknown) => outcomeOfError(error),
  );
  ctx.steps.push({ session: name, action, outcome });
  return outcome;
}

async function connect(ctx: SessionContext, reader: string, share: 'shared' | 'exclusive' = 'shared'): Promise<CardSession> {
  await ctx.manager.reader(reader).waitForCard({ timeoutMs: CARD_WAIT_MS });
  return ctx.manager.reader(reader).connect({ share });
}

function objects(bytes: Uint8Array): TlvNode[] {
  const parsed = parseTlv(bytes);
  if (!parsed.ok) throw new Error(`the card's data is not BER-TLV: ${parsed.error.message}`);
  return parsed.value.filter((i: TlvItem): i is TlvNode => 'tag' in i);
}

const latin1 = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('latin1');
const field = (node: TlvNode, tag: number): string => latin1(findTlv([node], [node.tag, tag])?.value);
const pinHex = (pin: string): string => toHex(new TextEncoder().encode(pin));
const lc = (bytesHex: string): string => toHex(Uint8Array.of(bytesHex.length / 2));

const listReaders: CardSessionRun = async (ctx) => {
  const readers = await ctx.manager.listReaders();
  const present = [ctx.fixture.cpsReader, ctx.fixture.vitaleReader].map((name) => readers.find((r) => r.name === name)?.cardPresent);
  ctx.check.deepEqual(present, [true, true], 'both readers are listed with a card');
  ctx.steps.push({ session: 'list', action: 'list readers', outcome: `cps ${present[0] === true ? 'card' : 'empty'}, vitale ${present[1] === true ? 'card' : 'empty'}` });
};

const readVitale: CardSessionRun = async (ctx) => {
  const session = await connect(ctx, ctx.fixture.vitaleReader);
  ctx.steps.push({ session: 'vitale', action: 'connect vitale', outcome: `atr ${toHex(session.atr)} ${session.protocol}` });
  const expected = ctx.fixture.patient.beneficiaries;
  ctx.check.is((await send(ctx, session, 'vitale', '00 A4 00 00 02 3F 00')).sw, 0x9000, 'SELECT MF (the FCI comes by GET RESPONSE)');
  const names = await send(ctx, session, 'vitale', '00 B0 82 00 00');
  ctx.check.is(names.sw, 0x9000, 'READ BINARY SFI 2 in the MF');
  ctx.check.deepEqual(
    objects(names.data).map((o) => [field(o, 0x80), field(o, 0x81), field(o, 0x82)]),
    expected.map((b) => [b.surname, b.firstName, b.birthDate]),
    'surname, first name and birth date of every beneficiary',
  );
  ctx.check.is((await send(ctx, session, 'vitale', `00 A4 04 00 0B ${VITALE_AID}`)).sw, 0x9000, 'SELECT the VITALE application');
  const nirs = await send(ctx, session, 'vitale', '00 B0 82 00 00');
  ctx.check.deepEqual(
    objects(nirs.data).map((o) => [field(o, 0x93), field(o, 0x90)]),
    expected.map((b) => [b.nir, b.nationality]),
    'NIR and nationality of every beneficiary',
  );
  await session.disconnect('reset');
};

/** The PIN's tries left, from the IAS-ECC PIN policy GET DATA (tag 9B; DOMAIN.md "PIN counters"). */
async function triesLeft(ctx: SessionContext, session: CardSession): Promise<number | undefined> {
  const answer = await send(ctx, session, 'pin', '00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80 00');
  const parsed = parseTlv(answer.data);
  return parsed.ok ? findTlv(parsed.value, [0x70, 0xbf8101, 0xa0, 0x9b])?.value?.[0] : undefined;
}

const verifyPin: CardSessionRun = async (ctx) => {
  const { pin } = ctx.fixture.doctor;
  const wrong = pinHex(pin === '0000' ? '9999' : '0000');
  const session = await connect(ctx, ctx.fixture.cpsReader);
  ctx.check.is((await send(ctx, session, 'pin', '00 A4 00 04 02 3F 00 00')).sw, 0x9000, 'SELECT MF');
  ctx.check.is(await triesLeft(ctx, session), 3, 'a fresh card has 3 tries');
  ctx.check.is((await send(ctx, session, 'pin', `00 20 00 01 ${lc(wrong)} ${wrong}`)).sw, 0x63c2, 'a wrong PIN: 2 tries left');
  ctx.check.is((await send(ctx, session, 'pin', '00 20 00 01')).sw, 0x63c2, 'the empty VERIFY shows the counter without spending a try');
  const right = pinHex(pin);
  ctx.check.is((await send(ctx, session, 'pin', `00 20 00 01 ${lc(right)} ${right}`)).sw, 0x9000, 'the right PIN');
  ctx.check.is(await triesLeft(ctx, session), 3, 'the counter is back to 3');
  await session.disconnect('reset');
};

const sign: CardSessionRun = async (ctx) => {
  const session = await connect(ctx, ctx.fixture.cpsReader);
  const pin = pinHex(ctx.fixture.doctor.pin);
  ctx.check.is((await send(ctx, session, 'sign', `00 20 00 01 ${lc(pin)} ${pin}`)).sw, 0x9000, 'VERIFY');
  ctx.check.is((await send(ctx, session, 'sign', '00 22 41 B6 06 84 01 02 80 01 02')).sw, 0x9000, 'MSE SET DST: key 02, RSA PKCS#1 over a DigestInfo');
  const digestInfo = SHA256_DIGEST_INFO_PREFIX + createHash('sha256').update(SIGNED_MESSAGE).digest('hex');
  const signature = await send(ctx, session, 'sign', `00 2A 9E 9A ${lc(digestInfo)} ${digestInfo}`);
  ctx.check.is(signature.sw, 0x9000, 'PSO COMPUTE DIGITAL SIGNATURE (no Le: the signature comes by GET RESPONSE)');
  const certificate = new X509Certificate(ctx.fixture.doctor.signatureCertificate);
  ctx.check.true(createVerify('sha256').update(SIGNED_MESSAGE).verify(certificate.publicKey, signature.data), 'the signature verifies against the doctor\'s certificate');
  await session.disconnect('reset');
};

/** Resolves when the manager reports `type` for `reader`, rejects after {@link CARD_WAIT_MS}. */
function awaitEvent(ctx: SessionContext, reader: string, type: 'card.removed' | 'card.inserted'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${type} event for ${reader} within ${CARD_WAIT_MS} ms`));
    }, CARD_WAIT_MS);
    const stop = ctx.manager.reader(reader).onEvent((event) => {
      if (event.type !== type) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

const removal: CardSessionRun = async (ctx) => {
  const { vitaleReader } = ctx.fixture;
  const session = await connect(ctx, vitaleReader);
  ctx.check.is((await send(ctx, session, 'removal', '00 A4 00 00 02 3F 00')).sw, 0x9000);
  const removed = awaitEvent(ctx, vitaleReader, 'card.removed');
  await ctx.fixture.removeCard(vitaleReader);
  await removed;
  ctx.steps.push({ session: 'removal', action: 'remove the vitale', outcome: session.closed ? 'session closed' : 'session open' });
  ctx.check.true(session.closed, 'the session ends when its card leaves');
  ctx.check.is(await failing(ctx, 'removal', 'vitale: 00A40000023F00', session.transmit(hex('00 A4 00 00 02 3F 00'))), 'error card-removed');
  await ctx.fixture.insertCard(vitaleReader);
  const again = await connect(ctx, vitaleReader);
  ctx.steps.push({ session: 'removal', action: 'insert the vitale', outcome: `atr ${toHex(again.atr)}` });
  ctx.check.is((await send(ctx, again, 'removal', '00 A4 00 00 02 3F 00')).sw, 0x9000, 'the card works again');
  await again.disconnect('reset');
};

/** The sessions every transport runs, in order, and whose transcript is compared across transports. */
const CORE_SESSIONS: readonly (readonly [string, CardSessionRun])[] = [
  ['lists both readers with their cards', listReaders],
  ['reads the carte Vitale: names, birth dates, NIRs (Rufus sequence, GET RESPONSE chaining)', readVitale],
  ['verifies the CPS PIN: wrong (63C2, counter visible), then right (9000, counter back to 3)', verifyPin],
  ['signs with the CPS (MSE SET + PSO CDS over a SHA-256 DigestInfo), verified with the certificate', sign],
  ['a card removed mid-session ends it with card-removed; the reinserted card works', removal],
];

const exclusive: CardSessionRun = async (ctx) => {
  const first = await connect(ctx, ctx.fixture.cpsReader, 'exclusive');
  ctx.check.is(await failing(ctx, 'exclusive', 'connect cps again', ctx.manager.reader(ctx.fixture.cpsReader).connect()), 'error sharing-violation');
  await first.disconnect('leave');
  const second = await connect(ctx, ctx.fixture.cpsReader);
  ctx.check.is((await send(ctx, second, 'exclusive', '00 A4 00 04 02 3F 00 00')).sw, 0x9000, 'free again after disconnect');
  await second.disconnect('leave');
};

const transactions: CardSessionRun = async (ctx) => {
  const one = await connect(ctx, ctx.fixture.cpsReader);
  const two = await connect(ctx, ctx.fixture.cpsReader);
  await one.transaction(async (channel) => {
    ctx.check.is((await channel.transmit(hex('00 A4 00 04 02 3F 00 00'))).sw, 0x9000, 'the holder talks');
    ctx.check.is(await failing(ctx, 'transactions', 'other session during the transaction', two.transmit(hex('00 A4 00 04 02 3F 00 00'))), 'error sharing-violation');
  });
  ctx.check.is((await send(ctx, two, 'transactions', '00 A4 00 04 02 3F 00 00')).sw, 0x9000, 'the other session talks after the end');
  await Promise.all([one.disconnect('leave'), two.disconnect('leave')]);
};

const extendedApdu: CardSessionRun = async (ctx) => {
  const session = await connect(ctx, ctx.fixture.vitaleReader);
  await send(ctx, session, 'extended', '00 A4 00 00 02 3F 00');
  const short = await send(ctx, session, 'extended', '00 B0 82 00 00');
  const extended = await send(ctx, session, 'extended', '00 B0 82 00 00 01 00');
  ctx.check.is(extended.sw, 0x9000, 'READ BINARY with an extended Le');
  ctx.check.is(toHex(extended.data), toHex(short.data), 'the same bytes as the short read');
  await session.disconnect('reset');
};

function needMute(fixture: CardFixture): (reader: string) => Promise<void> {
  if (fixture.muteCard === undefined) throw new Error('the fixture has no muteCard although the features say muteCard');
  return (reader) => fixture.muteCard!(reader);
}

const muteCard: CardSessionRun = async (ctx) => {
  const session = await connect(ctx, ctx.fixture.vitaleReader);
  await needMute(ctx.fixture)(ctx.fixture.vitaleReader);
  ctx.check.is(await failing(ctx, 'mute', 'SELECT to a mute card', session.transmit(hex('00 A4 00 00 02 3F 00'), { timeoutMs: 300 })), 'error timeout');
};

const removalMidApdu: CardSessionRun = async (ctx) => {
  const { vitaleReader } = ctx.fixture;
  const session = await connect(ctx, vitaleReader);
  await needMute(ctx.fixture)(vitaleReader);
  const pending = session.transmit(hex('00 A4 00 00 02 3F 00'), { timeoutMs: CARD_WAIT_MS });
  await ctx.fixture.removeCard(vitaleReader);
  ctx.check.is(await failing(ctx, 'mid-apdu', 'remove the vitale during SELECT', pending), 'error card-removed');
  await ctx.fixture.insertCard(vitaleReader);
  const again = await connect(ctx, vitaleReader);
  ctx.check.is((await send(ctx, again, 'mid-apdu', '00 A4 00 00 02 3F 00')).sw, 0x9000, 'the card works again');
  await again.disconnect('reset');
};

const FEATURE_SESSIONS: readonly (readonly [keyof TransportFeatures, string, CardSessionRun])[] = [
  ['exclusive', 'an exclusive connection refuses a second one with sharing-violation', exclusive],
  ['transactions', 'a transaction keeps other sessions out (sharing-violation) until it ends', transactions],
  ['extendedApdu', 'an extended-length READ BINARY gives the same bytes as the short one', extendedApdu],
  ['muteCard', 'a mute card times out with a timeout DriverError', muteCard],
  ['removalMidApdu', 'a card pulled during an exchange rejects it with card-removed', removalMidApdu],
];

const throwing: Check = {
  is: (actual, expected, message) => {
    if (!Object.is(actual, expected)) throw new Error(`${message ?? 'check'}: got ${String(actual)}, expected ${String(expected)}`);
  },
  deepEqual: (actual, expected, message) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${message ?? 'check'}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  },
  true: (actual, message) => {
    if (!actual) throw new Error(`${message ?? 'check'}: not true`);
  },
};

async function withManager(fixture: CardFixture, check: Check, runs: readonly CardSessionRun[]): Promise<Transcript> {
  const manager = createReaderManager(fixture.transport, { timeoutMs: CARD_WAIT_MS });
  const steps: TranscriptStep[] = [];
  try {
    for (const run of runs) await run({ fixture, manager, check, steps });
    return steps;
  } finally {
    await manager.close();
  }
}

/**
 * Run the core sessions (list, Vitale read, PIN, signature, removal) on
 * `fixture` and return their transcript; a failed check throws. The
 * fixture is not closed: the caller owns it (its transport is closed).
 */
export function runCardSessions(fixture: CardFixture): Promise<Transcript> {
  return withManager(fixture, throwing, CORE_SESSIONS.map(([, run]) => run));
}

/** The recorded transcript of the emulated cards (in-process); `BIFENTE_UPDATE_TRANSCRIPT=1` rewrites it. */
export function referenceTranscript(): Transcript {
  return (JSON.parse(readFileSync(REFERENCE, 'utf8')) as { steps: Transcript }).steps;
}

/**
 * Register the suite for one transport: ava tests, serial, titled
 * `${name} › ...`, each on a fresh fixture. Features the transport lacks
 * are titled skips.
 */
export function testTransport(name: string, makeFixture: () => Promise<CardFixture>, features: TransportFeatures): void {
  const run = async (check: Check, runs: readonly CardSessionRun[]): Promise<Transcript> => {
    const fixture = await makeFixture();
    try {
      return await withManager(fixture, check, runs);
    } finally {
      await fixture.close();
    }
  };
  for (const [title, session] of CORE_SESSIONS) {
    test.serial(`${name} › ${title}`, async (t) => {
      await run(t, [session]);
    });
  }
  for (const [feature, title, session] of FEATURE_SESSIONS) {
    if (features[feature]) test.serial(`${name} › ${title}`, async (t) => void (await run(t, [session])));
    else test.skip(`${name} › ${title} [feature ${feature} off for ${name}]`, () => undefined);
  }
  const transcriptTitle = `${name} › the transcript of the core sessions equals the recorded reference (results and errors as data)`;
  if (!features.emulatedCards) {
    test.skip(`${transcriptTitle} [not the emulated cards]`, () => undefined);
    return;
  }
  test.serial(transcriptTitle, async (t) => {
    const transcript = await run(t, CORE_SESSIONS.map(([, s]) => s));
    if (process.env['BIFENTE_UPDATE_TRANSCRIPT'] === '1') {
      const file = JSON.parse(readFileSync(REFERENCE, 'utf8')) as object;
      writeFileSync(REFERENCE, `${JSON.stringify({ ...file, steps: transcript }, null, 1)}\n`);
    }
    t.deepEqual(transcript, referenceTranscript());
  });
}
