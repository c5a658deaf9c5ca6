/**
 * The CPS3 profile: a persisted card built from a doctor persona on first
 * use (issue 4 "Profiles"), with the IAS-ECC GET DATA hook.
 * @module
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardImageReason } from '../card/card-image.js';
import { openCard, type CardOs, type CardOsOptions } from '../card/card-os.js';
import { fileStorage, type StorageHooks } from '../card/storage.js';
import { loadPersona, loadPkiIndex, PKI_DIR, type Doctor, type PkiIndex } from '../personas/index.js';
import { cpsImage, type CpsImageOptions, type CpsKeyMaterial, type CpsPki } from './cps-image.js';
import { cpsExtendedHeaderList } from './cps-sdo.js';

/** The card options of a CPS: the IAS-ECC GET DATA hook (plus the caller's seed and logger). */
export function cpsCardOptions(options: Omit<CardOsOptions, 'extensions'> = {}): CardOsOptions {
  return { ...options, extensions: { extendedHeaderList: cpsExtendedHeaderList } };
}

function keyMaterial(index: PkiIndex, pkiDir: string, id: string): CpsKeyMaterial {
  const entry = index.entries.find((e) => e.id === id);
  if (entry === undefined) throw new Error(`no PKI entry ${id}`);
  const pem = readFileSync(join(pkiDir, entry.certificate), 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const keyPem = readFileSync(join(pkiDir, entry.key), 'utf8');
  return { certificateDer: new Uint8Array(der), keyPem };
}

/** The doctor's authentication and signature key pairs from the PKI folder (default `test-vectors/pki/`). */
export async function loadCpsPki(doctor: Doctor, pkiDir: string = PKI_DIR): Promise<CpsPki> {
  if (doctor.pki === undefined) throw new Error(`doctor ${doctor.id} has no PKI entries`);
  const index = await loadPkiIndex(pkiDir);
  return { authentication: keyMaterial(index, pkiDir, doctor.pki.authentication), signature: keyMaterial(index, pkiDir, doctor.pki.signature) };
}

/** Where and how {@link openCps} keeps the card. */
export interface OpenCpsOptions extends CpsImageOptions {
  /** Folder of the persisted images (`<doctorId>.cps.json`). */
  readonly stateDir: string;
  /** Seed of the card's randomness (GET CHALLENGE). */
  readonly seed?: number;
  readonly logger?: CardOsOptions['logger'];
  /** Hooks around the card's persistent writes (a fault plan's tearing switch). */
  readonly storageHooks?: StorageHooks;
}

/** Why a profile's persisted card (openCps, openVitale) could not open: the stored image was refused. */
export class ProfileOpenError extends Error {
  override readonly name = 'ProfileOpenError';
  constructor(readonly reason: CardImageReason, message: string) {
    super(message);
  }
}

/**
 * The persisted CPS of `doctorId`: `stateDir/<id>.cps.json` is created from
 * the persona and its PKI on first use, then reloaded (PIN counters,
 * blocked state survive restarts).
 */
export async function openCps(doctorId: string, options: OpenCpsOptions): Promise<CardOs> {
  mkdirSync(options.stateDir, { recursive: true });
  const storage = fileStorage(join(options.stateDir, `${doctorId}.cps.json`), options.storageHooks === undefined ? {} : { hooks: options.storageHooks });
  if (storage.read() === undefined) {
    const persona = await loadPersona(doctorId);
    if (persona.kind !== 'doctor') throw new Error(`${doctorId} is not a doctor`);
    storage.write(`${JSON.stringify(cpsImage(persona, await loadCpsPki(persona), options), null, 2)}\n`);
  }
  const opened = openCard(storage, cpsCardOptions({ ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.logger === undefined ? {} : { logger: options.logger }) }));
  if (!opened.ok) throw new ProfileOpenError(opened.error.reason, opened.error.message);
  return opened.value;
}
