/**
 * The emulator's cards for the card conformance suite, composed for any
 * transport's test (issue 5: drivers/ never imports emulator/; tests
 * compose it): a fresh CPS and carte Vitale per fixture (so PIN counters
 * start at 3), the personas' expected data, a switch that makes a card
 * mute, and {@link cardFixture}: the fixture every transport's run shares,
 * each transport supplying only how a card goes in and out of its readers.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardGoneError, fromCard, loadPersona, loadPkiIndex, openCps, openVitale, PKI_DIR, type Doctor, type Patient, type VirtualCard } from '../../emulator/index.js';
import type { ReaderTransport } from '../../drivers/index.js';
import type { CardFixture, ExpectedDoctor, ExpectedVitale } from './transport.js';

/** The personas of the suite: a doctor with a PKI and a six-beneficiary family. */
export const CONFORMANCE_DOCTOR = 'dr-benali';
export const CONFORMANCE_PATIENT = 'pt-durand-family';

/** A card whose answers can be held back: `mute(true)` leaves every later exchange pending until power off. */
export interface MutableCard extends VirtualCard {
  mute(on: boolean): void;
}

/** Wrap `card` so that the suite can make it mute (a card that stops answering). */
export function mutable(card: VirtualCard): MutableCard {
  let muted = false;
  let dropPending: ((error: Error) => void) | undefined;
  return {
    powerOn: () => card.powerOn(),
    reset: () => card.reset(),
    powerOff: async () => {
      dropPending?.(new CardGoneError('powered-off'));
      await card.powerOff();
    },
    transmit: (command) => {
      if (!muted) return card.transmit(command);
      return new Promise<Uint8Array>((_, reject) => {
        dropPending = reject;
      });
    },
    onPresence: (listener) => card.onPresence(listener),
    mute: (on) => {
      muted = on;
    },
  };
}

/** Fresh emulated cards and what the suite expects to read from them. */
export interface ConformanceCards {
  readonly cps: MutableCard;
  readonly vitale: MutableCard;
  readonly doctor: ExpectedDoctor;
  readonly patient: ExpectedVitale;
  /** Delete the cards' state folder. */
  dispose(): void;
}

/** New cards from the personas, persisted in a fresh temporary folder. */
export async function conformanceCards(): Promise<ConformanceCards> {
  const stateDir = mkdtempSync(join(tmpdir(), 'bifente-conformance-'));
  const doctor = (await loadPersona(CONFORMANCE_DOCTOR)) as Doctor;
  const patient = (await loadPersona(CONFORMANCE_PATIENT)) as Patient;
  const signId = doctor.pki?.signature;
  const entry = (await loadPkiIndex()).entries.find((e) => e.id === signId);
  if (entry === undefined) throw new Error(`${doctor.id} has no signature certificate in the PKI`);
  const certificate = new Uint8Array(new X509Certificate(readFileSync(join(PKI_DIR, entry.certificate))).raw);
  return {
    cps: mutable(fromCard(await openCps(doctor.id, { stateDir }))),
    vitale: mutable(fromCard(await openVitale(patient.id, { stateDir }))),
    doctor: { pin: doctor.pin, signatureCertificate: certificate },
    patient: {
      beneficiaries: patient.beneficiaries.map((b) => ({
        surname: b.usualName ?? b.lastName,
        firstName: b.firstName,
        birthDate: b.birthDate.replaceAll('-', ''),
        nir: b.nir,
        nationality: 'FRA',
      })),
    },
    dispose: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

/** The suite's two cards. */
export type CardRole = 'cps' | 'vitale';

/** What one transport supplies to {@link cardFixture}: the rest of the fixture is the same for all. */
export interface TransportRig {
  readonly transport: ReaderTransport;
  /** The names its readers of the CPS and of the carte Vitale show under. */
  readonly readers: Readonly<Record<CardRole, string>>;
  /** Put `card` in the `role` reader, answering; resolves once the transport can see it. Called first for both cards, then after each removal. */
  insert(role: CardRole, card: MutableCard): Promise<void>;
  /** Pull the card from the `role` reader; resolves once it is out. */
  remove(role: CardRole): Promise<void>;
  /** Release what the rig made (transport, clients); the cards are disposed after. */
  close(): Promise<void>;
}

/**
 * A fresh {@link CardFixture} over the transport `rig` builds around fresh
 * {@link conformanceCards}: both cards inserted, `insertCard` / `removeCard`
 * / `muteCard` by reader name, `close` releasing the rig then the cards.
 */
export async function cardFixture(rig: (cards: ConformanceCards) => TransportRig | Promise<TransportRig>): Promise<CardFixture> {
  const cards = await conformanceCards();
  const { transport, readers, insert, remove, close } = await rig(cards);
  const roleOf = (reader: string): CardRole => {
    if (reader === readers.cps) return 'cps';
    if (reader === readers.vitale) return 'vitale';
    throw new Error(`no card of the suite in ${reader}`);
  };
  await insert('cps', cards.cps);
  await insert('vitale', cards.vitale);
  return {
    transport,
    cpsReader: readers.cps,
    vitaleReader: readers.vitale,
    doctor: cards.doctor,
    patient: cards.patient,
    removeCard: (reader) => remove(roleOf(reader)),
    insertCard: async (reader) => {
      const role = roleOf(reader);
      cards[role].mute(false);
      await insert(role, cards[role]);
    },
    muteCard: async (reader) => cards[roleOf(reader)].mute(true),
    close: async () => {
      await close();
      cards.dispose();
    },
  };
}
