// The link-port conformance suite over every link transport: serial over a
// real pty pair (socat), HID over the node-hid mimic (no HID device here),
// and the in-memory pair of drivers/link.
import test from 'ava';
import { createMemoryLinkPair, createNodeHidMimic, openHidLinkPort, openSerialLinkPort, type LinkPort } from '../../drivers/index.js';
import { openPtyPair, socatMissing, type PtyPair } from '../../scripts/pty/pty-pair.js';
import { testLinkPort } from './link.js';

const ptys: PtyPair[] = [];
test.after.always(async () => {
  await Promise.all(ptys.map((p) => p.close()));
});

const missingSocat = socatMissing();
// An unplug (the far end's hang-up) is tested in drivers/serial/serial-link-port.test.ts.
const CLOSE_UNSEEN = 'closing a serial port tells the far end nothing, and socat does not relay a pty close';
testLinkPort(
  'serial over a pty pair at 115200 8N1',
  async () => {
    const pty = await openPtyPair();
    ptys.push(pty);
    const [a, b] = await Promise.all(pty.paths.map((path) => openSerialLinkPort(path)));
    return [a, b] as readonly [LinkPort, LinkPort];
  },
  {
    ...(missingSocat === undefined ? {} : { missing: missingSocat }),
    firstCloseUnseen: CLOSE_UNSEEN,
    secondCloseUnseen: CLOSE_UNSEEN,
  },
);

testLinkPort(
  'hid over the node-hid mimic',
  async () => {
    const mimic = createNodeHidMimic();
    const device = mimic.plug({ vendorId: 0x1d6b, productId: 0x0104, product: 'bifente terminal' });
    const host = await openHidLinkPort({ path: device.info.path ?? '' }, { binding: mimic });
    return [host, device.link] as const;
  },
  { reportSize: 64, largeBytes: 64 * 1024, firstCloseUnseen: 'a USB HID device is not told when the host closes its hidraw node' },
);

testLinkPort('in-memory pair, reads split in 13-byte pieces', async () => createMemoryLinkPair({ fragmentReads: 13 }));
