/**
 * The carte Vitale profile: a persisted card built from a patient persona
 * on first use (issue 4 "Profiles"), Vitale 1 or 2 after the persona's
 * `card.generation`.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardImageJson } from '../card/card-image.js';
import { openCard, type CardOs, type CardOsOptions } from '../card/card-os.js';
import { fileStorage, type StorageHooks } from '../card/storage.js';
import { loadPersona, loadPkiIndex, PKI_DIR, type Patient } from '../personas/index.js';
import { ProfileOpenError } from './cps.js';
import { vitale1Image, vitaleImage, type VitaleImageOptions, type VitaleKeyMaterial } from './vitale-image.js';

/** The Vitale 2 card key pair of `patient` from the PKI folder (default `test-vectors/pki/`), entry `patient.pki.card`. */
export async function loadVitalePki(patient: Patient, pkiDir: string = PKI_DIR): Promise<VitaleKeyMaterial> {
  const id = patient.pki?.card;
  const entry = id === undefined ? undefined : (await loadPkiIndex(pkiDir)).entries.find((e) => e.id === id);
  if (entry === undefined) throw new Error(`patient ${patient.id} has no Vitale card entry in the PKI`);
  const certificateDer = new Uint8Array(new X509Certificate(readFileSync(join(pkiDir, entry.certificate))).raw);
  return { certificateDer, keyPem: readFileSync(join(pkiDir, entry.key), 'utf8') };
}

/** The image of the patient's card: Vitale 1 or Vitale 2 (with the PKI's card key) after `patient.card.generation`. */
export async function patientCardImage(patient: Patient, options: VitaleImageOptions = {}, pkiDir: string = PKI_DIR): Promise<CardImageJson> {
  return patient.card.generation === 'vitale-1' ? vitale1Image(patient, options) : vitaleImage(patient, await loadVitalePki(patient, pkiDir), options);
}

/** Where and how {@link openVitale} keeps the card. */
export interface OpenVitaleOptions extends VitaleImageOptions {
  /** Folder of the persisted images (`<patientId>.vitale.json`). */
  readonly stateDir: string;
  /** Seed of the card's randomness (GET CHALLENGE). */
  readonly seed?: number;
  readonly logger?: CardOsOptions['logger'];
  /** Hooks around the card's persistent writes (a fault plan's tearing switch). */
  readonly storageHooks?: StorageHooks;
}

/**
 * The persisted carte Vitale of `patientId`: `stateDir/<id>.vitale.json`
 * is created from the persona (and its PKI entry for a Vitale 2) on first
 * use, then reloaded as it is. Throws {@link ProfileOpenError} (the profiles'
 * shared refusal of a stored image) when the stored image is refused.
 */
export async function openVitale(patientId: string, options: OpenVitaleOptions): Promise<CardOs> {
  mkdirSync(options.stateDir, { recursive: true });
  const storage = fileStorage(join(options.stateDir, `${patientId}.vitale.json`), options.storageHooks === undefined ? {} : { hooks: options.storageHooks });
  if (storage.read() === undefined) {
    const persona = await loadPersona(patientId);
    if (persona.kind !== 'patient') throw new Error(`${patientId} is not a patient`);
    storage.write(`${JSON.stringify(await patientCardImage(persona, options), null, 2)}\n`);
  }
  const opened = openCard(storage, { ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.logger === undefined ? {} : { logger: options.logger }) });
  if (!opened.ok) throw new ProfileOpenError(opened.error.reason, opened.error.message);
  return opened.value;
}

