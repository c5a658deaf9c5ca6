// Run by pcsc-transport.pcscd.test.ts in a child process: uses the transport
// the way an application does, closes it, and must then exit by itself
// (pcsclite keeps the event loop alive while any context or reader thread
// lives, DOMAIN.md). Never calls process.exit.
import { createPcscTransport } from './pcsc-transport.js';

const reader = process.argv[2] ?? 'Virtual PCD 00 00';
const transport = createPcscTransport();
transport.watch(() => undefined);
const readers = await transport.list();
const port = await transport.open(reader, { share: 'shared', protocols: ['T=0', 'T=1'] });
await port.transmit(Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00));
console.log(`opened ${port.reader} among ${readers.length} readers; closed`);
await port.close('leave');
await transport.close();
