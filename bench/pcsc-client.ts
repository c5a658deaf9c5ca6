/**
 * A minimal PC/SC client over the `pcsclite` npm module, for the
 * benchmarks that measure cards through real pcscd + vpcd. (The project's
 * PC/SC driver arrives in drivers/ with issue 5; this is only a bench tool.)
 * `pcsclite` is an optionalDependency that needs libpcsclite-dev to build:
 * it is loaded lazily and its absence is reported by name.
 */
import { createRequire } from 'node:module';

interface PcscReader {
  name: string;
  SCARD_SHARE_SHARED: number;
  SCARD_STATE_PRESENT: number;
  SCARD_LEAVE_CARD: number;
  on(event: 'status', listener: (status: { state: number }) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  connect(options: { share_mode: number }, cb: (err: Error | null, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null, data: Buffer) => void): void;
  close(): void;
}

interface Pcsc {
  on(event: 'reader', listener: (reader: PcscReader) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  close(): void;
}

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
export function connectCard(readerName: string, timeoutMs = 10_000): Promise<PcscCard> {
  const pcsc = (createRequire(import.meta.url)('pcsclite') as () => Pcsc)();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pcsc.close();
      reject(new Error(`no card in "${readerName}" after ${timeoutMs} ms`));
    }, timeoutMs);
    pcsc.on('error', (e) => reject(e));
    pcsc.on('reader', (reader) => {
      if (reader.name !== readerName) return reader.close();
      reader.on('error', () => undefined); // pcsclite hangs the process when a closed reader's error is not listened to (DOMAIN.md)
      let connecting = false;
      reader.on('status', (status) => {
        if (connecting || (status.state & reader.SCARD_STATE_PRESENT) === 0) return;
        connecting = true;
        reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (err, protocol) => {
          if (err !== null) return reject(err);
          clearTimeout(timer);
          resolve({
            transmit: (apdu) =>
              new Promise((ok, fail) =>
                reader.transmit(Buffer.from(apdu), 258, protocol, (e, data) => (e !== null ? fail(e) : ok(new Uint8Array(data)))),
              ),
            close: () =>
              new Promise((done) =>
                reader.disconnect(reader.SCARD_LEAVE_CARD, () => {
                  reader.close();
                  pcsc.close();
                  done();
                }),
              ),
          });
        });
      });
    });
  });
}
