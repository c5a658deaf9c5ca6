/**
 * The CPS of `bifente host upload` and `bifente rights`: a card in a PC/SC
 * reader (`--reader`) or a PKCS#11 token (`--pkcs11`, with `--slot` or
 * `--token-label`), and its PIN (host-pin.ts).
 * @module
 */
import { createPcscTransport, createReaderManager, openPkcs11, type Pkcs11Module, type Pkcs11Token, type ReaderManager } from '../../drivers/index.js';
import { cardCpsSigner, pkcs11CpsSigner, SignerError, type HostCpsSigner } from '../../host-sdk/index.js';
import { UsageError } from '../command.js';
import { pinSource } from './host-pin.js';

/** The signer options, shared by the commands that sign (parseArgs shape). */
export const SIGNER_OPTIONS = {
  url: { type: 'string' },
  reader: { type: 'string' },
  pkcs11: { type: 'string' },
  slot: { type: 'string' },
  'token-label': { type: 'string' },
  'pin-stdin': { type: 'boolean', default: false },
} as const;

/** The usage lines of {@link SIGNER_OPTIONS}. */
export const SIGNER_USAGE = [
  '  --url <url>          the teleservice (`bifente teleservice` prints it)',
  '  --reader <name>      the CPS in this PC/SC reader',
  '  --pkcs11 <module>    the CPS through a PKCS#11 module (OpenSC, the CPS middleware,',
  '                       SoftHSM2: /usr/lib/softhsm/libsofthsm2.so); keys CKA_ID 01 and 02',
  '  --slot <n>           the PKCS#11 slot id; --token-label <label> the token by label;',
  '                       neither: the one token present',
  '  --pin-stdin          read the PIN as one line of stdin (default: typed on the',
  '                       terminal, not echoed); the PIN is never printed nor logged',
].join('\n');

/** What the signer options parse to. */
export interface SignerSpec {
  readonly url: string;
  readonly device: { readonly kind: 'reader'; readonly name: string } | { readonly kind: 'pkcs11'; readonly module: string; readonly slot?: bigint; readonly tokenLabel?: string };
  readonly pinStdin: boolean;
}

/** Check the signer options (usage errors for missing or contradictory ones). */
export function signerSpec(values: { url?: string | undefined; reader?: string | undefined; pkcs11?: string | undefined; slot?: string | undefined; 'token-label'?: string | undefined; 'pin-stdin': boolean }): SignerSpec {
  if (values.url === undefined) throw new UsageError('missing --url <teleservice>');
  if (!/^https?:\/\/[^\s]+$/.test(values.url)) throw new UsageError(`--url must be an http(s) URL, not "${values.url}"`);
  if ((values.reader === undefined) === (values.pkcs11 === undefined)) throw new UsageError('give the CPS: --reader <name> or --pkcs11 <module> (one of them)');
  if (values.reader !== undefined) {
    if (values.slot !== undefined || values['token-label'] !== undefined) throw new UsageError('--slot and --token-label go with --pkcs11');
    return { url: values.url, device: { kind: 'reader', name: values.reader }, pinStdin: values['pin-stdin'] };
  }
  if (values.slot !== undefined && values['token-label'] !== undefined) throw new UsageError('--slot and --token-label exclude each other');
  if (values.slot !== undefined && !/^[0-9]{1,20}$/.test(values.slot)) throw new UsageError('--slot must be a whole number');
  return {
    url: values.url,
    device: {
      kind: 'pkcs11',
      module: values.pkcs11!,
      ...(values.slot === undefined ? {} : { slot: BigInt(values.slot) }),
      ...(values['token-label'] === undefined ? {} : { tokenLabel: values['token-label'] }),
    },
    pinStdin: values['pin-stdin'],
  };
}

/** An open CPS and what closes its device. */
export interface OpenSigner {
  readonly signer: HostCpsSigner;
  close(): Promise<void>;
}

/** The token `device` names, or a SignerError saying which ones there are. */
function chooseToken(tokens: readonly Pkcs11Token[], device: { slot?: bigint; tokenLabel?: string }): Pkcs11Token {
  const found = device.slot !== undefined ? tokens.filter((t) => t.slotId === device.slot) : device.tokenLabel !== undefined ? tokens.filter((t) => t.label === device.tokenLabel) : tokens;
  const first = found[0];
  if (first !== undefined && found.length === 1) return first;
  const known = tokens.map((t) => `slot ${t.slotId} "${t.label}"`).join(', ') || 'none';
  const what = device.slot !== undefined ? `no token in slot ${device.slot}` : device.tokenLabel !== undefined ? `no token labelled "${device.tokenLabel}"` : found.length === 0 ? 'no token present' : 'several tokens: give --slot or --token-label';
  throw new SignerError('device-failed', `${what} (tokens: ${known})`);
}

/** Open the CPS that `spec` names; the PIN is read from the process's stdin (or typed) when it first signs. */
export async function openSigner(spec: SignerSpec): Promise<OpenSigner> {
  const pin = pinSource({ input: process.stdin, write: (text) => void process.stderr.write(text) }, spec.pinStdin);
  const { device } = spec;
  if (device.kind === 'reader') {
    const manager: ReaderManager = createReaderManager(createPcscTransport());
    try {
      const session = await manager.reader(device.name).connect();
      return { signer: cardCpsSigner(session, { pin }), close: () => manager.close() };
    } catch (error) {
      await manager.close();
      throw error;
    }
  }
  const module: Pkcs11Module = await openPkcs11(device.module);
  try {
    const token = chooseToken(await module.tokens(), device);
    const session = await module.openSession(token.slotId);
    return { signer: pkcs11CpsSigner(session, { pin }), close: () => module.close() };
  } catch (error) {
    await module.close();
    throw error;
  }
}
