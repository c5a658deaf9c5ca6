// The mimic behaves as node-hid 3.4 does where this machine can check it:
// the same open error messages as the real module for the same cases.
import test from 'ava';
import { createNodeHidMimic } from './node-hid-mimic.js';

const real = await import('node-hid');

async function message(open: () => Promise<unknown>): Promise<string> {
  try {
    await open();
  } catch (error) {
    return `${(error as Error).constructor.name}: ${(error as Error).message}`;
  }
  return 'opened';
}

test('open errors are node-hid\'s, word for word', async (t) => {
  const mimic = createNodeHidMimic();
  t.is(await message(() => mimic.HIDAsync.open('/dev/hidraw9')), await message(() => real.HIDAsync.open('/dev/hidraw9')));
  t.is(await message(() => mimic.HIDAsync.open(0x1234, 0x5678)), await message(() => real.HIDAsync.open(0x1234, 0x5678)));
});

test('a handle: write returns the bytes written with the id, read times out with an empty Buffer, close twice rejects', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug({ vendorId: 1, productId: 2 });
  const handle = await mimic.HIDAsync.open(1, 2);
  t.is(await handle.write([0, 1, 2, 3]), 4);
  t.deepEqual(await handle.read(10), Buffer.alloc(0));
  await device.link.write(Uint8Array.of(5));
  t.is((await handle.read(10)).length, 64);
  await handle.close();
  await t.throwsAsync(handle.close(), { instanceOf: TypeError, message: 'device is already closed' });
  await t.throwsAsync(handle.write([0]), { instanceOf: TypeError, message: 'device has been closed' });
});
