/**
 * What the cards do to secure an FSE, as APDUs over a drivers
 * `CardChannel` (DOMAIN.md "What real software sends": MSE SET DST
 * `00 22 41 B6 06 84 01 <key> 80 01 <algo>`, SHA256-RSA-PKCS = 0x42, then
 * PSO COMPUTE DIGITAL SIGNATURE `00 2A 9E 9A`).
 *
 * - Vitale 2 (emulator/profiles README "Securing an FSE", OURS): card key
 *   reference 1, no PIN: `00 22 41 B6 06 84 01 01 80 01 42`, then
 *   `00 2A 9E 9A 20 <SHA-256> 00`.
 * - CPS3 (profiles README "SE 1": `B6 {95 40, 83 02, 80 42}`): signature
 *   key reference 2 with SHA256-RSA-PKCS, usable once the code porteur is
 *   verified in this card session (PSO CDS answers 6982 otherwise).
 * - The CPS identity: the RPPS number in `3F00/0001/7001` and the
 *   signature certificate in `3F00/0001/C001` (profiles README "Tree", OURS).
 *
 * Both answers are RSA PKCS#1 v1.5 signatures over the DigestInfo of the
 * hash: the same value as `sign('sha256', fseBytes, key)`.
 * @module
 */
import type { CardChannel } from '../../drivers/index.js';
import { certificateCommonName, CPS_SIGNATURE_KEY_REFERENCE, mseSetSignature, psoComputeSignature, selectCpsFile, VITALE_KEY_REFERENCE } from '../../protocol/index.js';
import { readTransparent, transmitOk } from '../cards/card-io.js';
import { trimDer } from '../cards/vitale-card.js';
import { CardOperationError } from '../machines/index.js';

/**
 * Have the card on `channel` sign `digest` with key `keyReference`
 * (SHA256-RSA-PKCS). Rejects with `card-refused` (the SW says why: 6982
 * PIN not verified, 6A88 no such key) or the drivers' errors.
 */
export async function signDigest(channel: CardChannel, keyReference: number, digest: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  await transmitOk(channel, mseSetSignature(keyReference), 'MSE SET DST', signal);
  const signature = await transmitOk(channel, psoComputeSignature(digest), 'PSO COMPUTE DIGITAL SIGNATURE', signal);
  if (signature.length < 64) throw new CardOperationError({ kind: 'bad-card-data', path: 'PSO CDS/signature' });
  return signature;
}

/** The Vitale cryptogram of an FSE: the card key's signature over its SHA-256. */
export function vitaleCryptogram(channel: CardChannel, digest: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  return signDigest(channel, VITALE_KEY_REFERENCE, digest, signal);
}

/** The CPS signature over an FSE's (or a lot's) SHA-256; the PIN must be verified in this card session. */
export function cpsSignature(channel: CardChannel, digest: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  return signDigest(channel, CPS_SIGNATURE_KEY_REFERENCE, digest, signal);
}

/** Who signs with a CPS: what the FSE's professional group and the secured envelope need. */
export interface CpsSigner {
  /** RPPS-like number, 11 digits (`3F00/0001/7001`). */
  readonly rpps: string;
  /** The holder's name, the CN of the signature certificate (`LUCAS MOREAU`). */
  readonly name: string;
  /** The signature certificate, X.509 DER (`3F00/0001/C001`). */
  readonly certificate: Uint8Array;
}

/**
 * Read the CPS holder's RPPS number and signature certificate (no PIN
 * needed: the files are readable always). Rejects like `readCpsCard`.
 */
export async function readCpsSigner(channel: CardChannel, signal?: AbortSignal): Promise<CpsSigner> {
  await transmitOk(channel, selectCpsFile(0x7001), 'SELECT 7001', signal);
  const rpps = String.fromCharCode(...(await readTransparent(channel, '7001', signal)).filter((b) => b !== 0));
  if (!/^[0-9]{11}$/.test(rpps)) throw new CardOperationError({ kind: 'bad-card-data', path: '7001/rpps' });
  await transmitOk(channel, selectCpsFile(0xc001), 'SELECT C001', signal);
  const certificate = trimDer(await readTransparent(channel, 'C001', signal));
  const name = certificateCommonName(certificate);
  if (name === undefined) throw new CardOperationError({ kind: 'bad-card-data', path: 'C001/subject/CN' });
  return { rpps, name, certificate };
}
