// Run by the PC/SC tests in a child process: uses the transport the way an
// application does, closes it, and must then exit by itself (pcsclite keeps
// the event loop alive while any context or reader thread lives, DOMAIN.md).
// Never calls process.exit. Arguments: the reader, and how many transports
// to make, settle and close first (the close-race stress loop, README).
import { createPcscTransport } from './pcsc-transport.js';
import { untilCardPresence } from '../core/presence.js';

const reader = process.argv[2] ?? 'Virtual PCD 00 00';
const cycles = Number(process.argv[3] ?? 0);
for (let i = 0; i < cycles; i++) {
  const transport = createPcscTransport();
  await untilCardPresence(transport, reader, true, 5000);
  await transport.close();
}
const transport = createPcscTransport();
transport.watch(() => undefined);
const readers = await transport.list();
const port = await transport.open(reader, { share: 'shared', protocols: ['T=0', 'T=1'] });
await port.transmit(Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00));
console.log(`${cycles > 0 ? `${cycles} transports closed; ` : ''}opened ${port.reader} among ${readers.length} readers; closed`);
await port.close('leave');
await transport.close();
