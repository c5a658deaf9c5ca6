/**
 * The emulator's cards for the card conformance suite, composed for any
 * transport's test (issue 5: drivers/ never imports emulator/; tests
 * compose it): a fresh CPS and carte Vitale per fixture (so PIN counters
 * start at 3), the personas' expected data, and a switch that makes a
 * card mute.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardGoneError, fromCard, loadPersona, loadPkiIndex, openCps, openVitale, PKI_DIR, type Doctor, type Patient, type VirtualCard } from '../../emulator/index.js';
import type { ExpectedDoctor, ExpectedVitale } from './transport.js';

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
