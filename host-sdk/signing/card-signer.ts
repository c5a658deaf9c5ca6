/**
 * The CPS in a reader as the host's signer, through a drivers
 * `CardSession` (DOMAIN.md "What real software sends"): VERIFY the code
 * porteur once (asked from the {@link PinSource} when a key is first used),
 * then MSE SET AT key 1 + INTERNAL AUTHENTICATE to authenticate, MSE SET DST
 * key 2 + PSO COMPUTE DIGITAL SIGNATURE to sign. The certificates are read
 * from `3F00/0001/C000` (authentication) and `C001` (signature) in 0xE7-byte
 * chunks (DOMAIN.md: the Cryptolib's maximum receive size).
 * @module
 */
import type { CardChannel, CardSession } from '../../drivers/index.js';
import {
  CPS_AUTHENTICATION_KEY_REFERENCE,
  CPS_PIN_REFERENCE,
  CPS_SIGNATURE_KEY_REFERENCE,
  cpsPinBlock,
  concatBytes,
  internalAuthenticate,
  mseSetAuthentication,
  mseSetSignature,
  psoComputeSignature,
  readBinary,
  selectCpsFile,
  sha256,
  SW,
  toHex,
  verifyCommand,
} from '../../protocol/index.js';
import { SignerError, signerFailure, type HostCpsSigner, type PinSource } from './host-signer.js';

/** The CPS files (emulator/profiles README "Tree", OURS). */
const AUTHENTICATION_CERTIFICATE = 0xc000;
const SIGNATURE_CERTIFICATE = 0xc001;
/** DOMAIN.md: the Cryptolib reads at most 0xE7 bytes an APDU. */
const READ_CHUNK = 0xe7;
/** SW 6282: end of file reached before Ne bytes (ISO/IEC 7816-4 §5.6); the data still comes. */
const END_OF_FILE = 0x6282;
const MAX_CERTIFICATE = 8192;

const swText = (sw: number): string => toHex(Uint8Array.of(sw >> 8, sw & 0xff)).toUpperCase();

async function transmitOk(channel: CardChannel, command: Uint8Array, what: string, signal?: AbortSignal): Promise<Uint8Array> {
  const answer = await channel.transmit(command, signal === undefined ? {} : { signal });
  if (answer.sw !== SW.OK) throw new SignerError('card-refused', `the CPS refused ${what} (SW ${swText(answer.sw)})`, { sw: swText(answer.sw) });
  return answer.data;
}

/** The DER length of a certificate from its first bytes (SEQUENCE with a long-form length), if known yet. */
function derLength(head: Uint8Array): number | undefined {
  if (head.length < 2 || head[0] !== 0x30) return undefined;
  const first = head[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 3 || head.length < 2 + n) return undefined;
  let length = 0;
  for (let i = 0; i < n; i++) length = (length << 8) | head[2 + i]!;
  return 2 + n + length;
}

async function readCertificate(channel: CardChannel, fid: number, signal?: AbortSignal): Promise<Uint8Array> {
  const name = `certificate ${fid.toString(16).toUpperCase()}`;
  await transmitOk(channel, selectCpsFile(fid), `SELECT ${name}`, signal);
  let bytes: Uint8Array = new Uint8Array();
  while (bytes.length < MAX_CERTIFICATE) {
    const answer = await channel.transmit(readBinary(bytes.length, READ_CHUNK), signal === undefined ? {} : { signal });
    if (answer.sw !== SW.OK && answer.sw !== END_OF_FILE) throw new SignerError('card-refused', `the CPS refused READ BINARY of ${name} (SW ${swText(answer.sw)})`, { sw: swText(answer.sw) });
    bytes = concatBytes(bytes, answer.data);
    const total = derLength(bytes);
    if (total !== undefined && bytes.length >= total) return bytes.slice(0, total);
    if (answer.data.length < READ_CHUNK) break;
  }
  throw new SignerError('bad-card-data', `the CPS ${name} is not a DER certificate`);
}

/**
 * The CPS in `session` as a {@link HostCpsSigner}. The PIN is asked from
 * `pin` the first time a key is used, sent in one VERIFY whose bytes are
 * zeroed at once, never kept, logged nor put in an error; if the card
 * forgets it (reset: SW 6982 on the key), it is asked and verified again,
 * once. Each operation runs in one card transaction.
 *
 * Rejects with a {@link SignerError}: `pin-incorrect` (with `triesLeft`),
 * `pin-blocked` (also the wrong PIN that used the last try, 63C0, with
 * `triesLeft` 0), `card-refused` (with `sw`), `bad-card-data`,
 * `device-failed` (the drivers' error as cause: card removed...), `canceled`.
 * @example
 * const signer = cardCpsSigner(await manager.reader('CPS').connect(), { pin: () => askPin() });
 * const client = await connectTeleservice(url, { signer, clock });
 */
export function cardCpsSigner(session: CardSession, options: { readonly pin: PinSource }): HostCpsSigner {
  let verified = false;
  const certificates = new Map<number, Promise<Uint8Array>>();

  async function verifyPin(channel: CardChannel, signal?: AbortSignal): Promise<void> {
    const block = cpsPinBlock(await options.pin());
    const command = verifyCommand(CPS_PIN_REFERENCE, block);
    block.fill(0);
    let sw: number;
    try {
      sw = (await channel.transmit(command, signal === undefined ? {} : { signal })).sw;
    } finally {
      command.fill(0);
    }
    if (sw === SW.OK) {
      verified = true;
      return;
    }
    // 63C0: that wrong PIN was the last try, the card has now blocked it (ISO/IEC 7816-4 §5.6, VERIFY).
    if (sw === 0x63c0) throw new SignerError('pin-blocked', 'the CPS refused the PIN on its last try and is now blocked: unblock it with the code de déblocage', { sw: swText(sw), triesLeft: 0 });
    if ((sw & 0xfff0) === 0x63c0) throw new SignerError('pin-incorrect', `the CPS refused the PIN (${sw & 0x0f} tries left)`, { sw: swText(sw), triesLeft: sw & 0x0f });
    if (sw === SW.AUTH_METHOD_BLOCKED) throw new SignerError('pin-blocked', 'the CPS PIN is blocked: unblock it with the code de déblocage', { sw: swText(sw) });
    throw new SignerError('card-refused', `the CPS refused the PIN verification (SW ${swText(sw)})`, { sw: swText(sw) });
  }

  /** MSE SET then the key operation, PIN verified first; after a 6982 (PIN forgotten), verified again once. */
  async function useKey(mse: Uint8Array, operation: Uint8Array, what: string, signal?: AbortSignal): Promise<Uint8Array> {
    try {
      return await session.transaction(async (channel) => {
        for (let attempt = 0; ; attempt++) {
          if (!verified) await verifyPin(channel, signal);
          await transmitOk(channel, mse, `MSE SET for ${what}`, signal);
          const answer = await channel.transmit(operation, signal === undefined ? {} : { signal });
          if (answer.sw === SW.SECURITY_STATUS_NOT_SATISFIED && attempt === 0) {
            verified = false;
            continue;
          }
          if (answer.sw !== SW.OK) throw new SignerError('card-refused', `the CPS refused ${what} (SW ${swText(answer.sw)})`, { sw: swText(answer.sw) });
          if (answer.data.length < 64) throw new SignerError('bad-card-data', `the CPS answered ${what} with ${answer.data.length} bytes, no RSA signature`);
          return answer.data;
        }
      });
    } catch (error) {
      throw signerFailure(error, `CPS ${what}`);
    }
  }

  function certificate(fid: number, signal?: AbortSignal): Promise<Uint8Array> {
    let read = certificates.get(fid);
    if (read === undefined) {
      read = session.transaction((channel) => readCertificate(channel, fid, signal)).catch((error: unknown) => {
        certificates.delete(fid);
        throw signerFailure(error, 'reading the CPS certificate');
      });
      certificates.set(fid, read);
    }
    return read;
  }

  return {
    kind: 'card',
    authenticationCertificate: (signal) => certificate(AUTHENTICATION_CERTIFICATE, signal),
    signatureCertificate: (signal) => certificate(SIGNATURE_CERTIFICATE, signal),
    authenticate: (data, signal) => useKey(mseSetAuthentication(CPS_AUTHENTICATION_KEY_REFERENCE), internalAuthenticate(sha256(data)), 'INTERNAL AUTHENTICATE', signal),
    sign: (data, signal) => useKey(mseSetSignature(CPS_SIGNATURE_KEY_REFERENCE), psoComputeSignature(sha256(data)), 'PSO COMPUTE DIGITAL SIGNATURE', signal),
  };
}
