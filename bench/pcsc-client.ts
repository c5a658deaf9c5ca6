/**
 * The card of the benchmarks that measure cards through real pcscd + vpcd,
 * opened with the project's PC/SC transport (drivers/pcsc). It used to call
 * `pcsclite` directly and closed a reader the moment pcsclite announced it:
 * that is the close race of drivers/pcsc README "pcsclite close race", and
 * it left `npm run bench` alive after its results were written. The driver
 * closes pcsclite's threads safely; every card of a comparison goes through
 * it, so the ratios compare the cards alone.
 */
import { createRequire } from 'node:module';
import { createPcscTransport, untilCardPresence } from '../drivers/index.js';

/** A card connected through pcscd. */
export interface PcscCard {
  transmit(apdu: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Why the PC/SC bench cannot run here, or undefined when it can. */
export function pcscliteMissing(): string | undefined {
  try {
    createRequire(import.meta.url)('pcsclite');
    return undefined;
  } catch {
    return 'the optional npm module pcsclite is not built: apt-get install libpcsclite-dev, then npm ci';
  }
}

/** Connect to the card in `readerName` once one is present (within `timeoutMs`). */
export async function connectCard(readerName: string, timeoutMs = 10_000): Promise<PcscCard> {
  const transport = createPcscTransport();
  try {
    await untilCardPresence(transport, readerName, true, timeoutMs);
    const port = await transport.open(readerName, { share: 'shared', protocols: ['T=0', 'T=1'] });
    return {
      transmit: (apdu) => port.transmit(apdu),
      close: async () => {
        await port.close('leave');
        await transport.close();
      },
    };
  } catch (error) {
    await transport.close();
    throw error;
  }
}
