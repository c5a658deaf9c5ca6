// The HID link port against the node-hid mimic (no HID device and no
// /dev/uhid on this machine), plus the real node-hid's open errors.
import test from 'ava';
import { isDriverError } from '../core/errors.js';
import type { LinkPortEvent } from '../core/link-port.js';
import { openHidLinkPort } from './hid-link-port.js';
import { listHidDevices } from './list-hid-devices.js';
import type { NodeHidBinding, NodeHidHandle } from './node-hid-binding.js';
import { createNodeHidMimic } from './node-hid-mimic.js';

const IDS = { vendorId: 0x1d6b, productId: 0x0104 };

test('a write is one report: the report id, the bytes, zero padding to 64', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug(IDS);
  const reports: Uint8Array[] = [];
  device.link.onEvent((e) => e.type === 'data' && reports.push(e.bytes));
  const port = await openHidLinkPort(IDS, { binding: mimic });
  await port.write(Uint8Array.of(1, 2, 3));
  const want = new Uint8Array(64);
  want.set([1, 2, 3]);
  t.deepEqual(reports, [want]);
  t.is(port.maxWrite, 64);
  t.throws(() => port.write(new Uint8Array(65)), { instanceOf: RangeError });
  await port.close();
});

test('numbered reports: the id goes first on writes and is stripped from input reports', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug({ ...IDS, reportId: 2, reportSize: 32 });
  const out: Uint8Array[] = [];
  device.link.onEvent((e) => e.type === 'data' && out.push(e.bytes));
  const port = await openHidLinkPort({ path: device.info.path ?? '' }, { binding: mimic, reportId: 2, reportSize: 32 });
  const got = new Promise<Uint8Array>((resolve) => port.onEvent((e) => e.type === 'data' && resolve(e.bytes)));
  await port.write(Uint8Array.of(9));
  t.is(out[0]?.[0], 2, 'the device sees the report id');
  t.is(out[0]?.[1], 9);
  await device.link.write(Uint8Array.of(7, 8));
  const report = await got;
  t.is(report.length, 32);
  t.deepEqual([...report.subarray(0, 3)], [7, 8, 0]);
  await port.close();
});

test('open errors: node-hid messages become not-found and a permission hint', async (t) => {
  const mimic = createNodeHidMimic();
  mimic.plug({ ...IDS, path: '/dev/hidraw7', accessible: false });
  const missing = await t.throwsAsync(openHidLinkPort({ path: '/dev/hidraw3' }, { binding: mimic }));
  t.true(isDriverError(missing, 'not-found'), String(missing));
  t.regex((missing?.cause as Error).message, /^cannot open device with path \/dev\/hidraw3: Failed to open a device with path/);
  const noIds = await t.throwsAsync(openHidLinkPort({ vendorId: 0x1234, productId: 0x5678 }, { binding: mimic }));
  t.true(isDriverError(noIds, 'not-found'), String(noIds));
  const denied = await t.throwsAsync(openHidLinkPort({ path: '/dev/hidraw7' }, { binding: mimic }));
  t.true(isDriverError(denied, 'transport-error'), String(denied));
  t.regex(denied?.message ?? '', /udev rule/);
  t.throws(() => openHidLinkPort({ vendorId: 0x10000, productId: 1 }), { instanceOf: RangeError });
});

/** The mimic, but each open waits until the test lets it through: a device that takes its time. */
function heldOpens(mimic: NodeHidBinding): { binding: NodeHidBinding; opens: number; release(): Promise<NodeHidHandle> } {
  const held: (() => Promise<NodeHidHandle>)[] = [];
  const state = {
    opens: 0,
    binding: {
      devicesAsync: () => mimic.devicesAsync(),
      HIDAsync: {
        open: ((...args: [string] | [number, number]) => {
          state.opens += 1;
          return new Promise<NodeHidHandle>((resolve, reject) => {
            held.push(() => {
              const opened = args.length === 1 ? mimic.HIDAsync.open(args[0]) : mimic.HIDAsync.open(args[0], args[1]);
              opened.then(resolve, reject);
              return opened;
            });
          });
        }) as NodeHidBinding['HIDAsync']['open'],
      },
    },
    release: () => held.shift()!(),
  };
  return state;
}

test('open is bounded: canceled before (nothing opened), a slow open times out, an abort cancels; a late handle is closed', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug(IDS);
  const slow = heldOpens(mimic);

  const before = await t.throwsAsync(openHidLinkPort(IDS, { binding: slow.binding, signal: AbortSignal.abort() }));
  t.true(isDriverError(before, 'canceled'), String(before));
  t.is(slow.opens, 0);

  const late = await t.throwsAsync(openHidLinkPort(IDS, { binding: slow.binding, openTimeoutMs: 1 }));
  t.true(isDriverError(late, 'timeout'), String(late));
  t.is(late?.message, 'HID device 1d6b:0104 did not open within 1 ms');
  await slow.release();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(device.openHandles(), 0, 'the handle that came too late was closed');

  const stop = new AbortController();
  const opening = openHidLinkPort(IDS, { binding: slow.binding, signal: stop.signal });
  stop.abort(new Error('the doctor unplugged the cable'));
  const canceled = await t.throwsAsync(opening);
  t.true(isDriverError(canceled, 'canceled'), String(canceled));
  t.is((canceled?.cause as Error).message, 'the doctor unplugged the cable');
  await slow.release();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(device.openHandles(), 0);

  const port = openHidLinkPort(IDS, { binding: slow.binding });
  await slow.release();
  await (await port).close();
  t.is(slow.opens, 3);
});

test('the real node-hid: a missing hidraw node and a non-hidraw file map to not-found and not-supported', async (t) => {
  const missing = await t.throwsAsync(openHidLinkPort({ path: '/dev/hidraw-bifente-none' }));
  t.true(isDriverError(missing, 'not-found'), String(missing));
  const notHid = await t.throwsAsync(openHidLinkPort({ path: '/dev/null' }));
  t.true(isDriverError(notHid, 'not-supported'), String(notHid));
});

test('unplugging while reading: closed with reader-gone; writes reject closed; the handle is released', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug(IDS);
  const port = await openHidLinkPort(IDS, { binding: mimic });
  const closed = new Promise<LinkPortEvent>((resolve) => port.onEvent((e) => e.type === 'closed' && resolve(e)));
  await new Promise((resolve) => setImmediate(resolve));
  device.unplug();
  const event = await closed;
  t.true(event.type === 'closed' && isDriverError(event.error, 'reader-gone'), String(event.type === 'closed' && event.error));
  t.regex(event.type === 'closed' ? (event.error?.message ?? '') : '', /device disconnected/);
  t.true(isDriverError(await t.throwsAsync(port.write(Uint8Array.of(1))), 'closed'));
  await port.close();
  t.is(device.openHandles(), 0);
});

test('a write to an unplugged device that nobody reads rejects reader-gone (ENODEV)', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug(IDS);
  const port = await openHidLinkPort(IDS, { binding: mimic });
  device.unplug();
  const error = await t.throwsAsync(port.write(Uint8Array.of(1)));
  t.true(isDriverError(error, 'reader-gone'), String(error));
  t.regex((error?.cause as Error).message, /^Cannot write to hid device: No such device$/);
  await port.close();
});

test('2000 open/close cycles leave no handle open', async (t) => {
  const mimic = createNodeHidMimic();
  const device = mimic.plug(IDS);
  for (let i = 0; i < 2000; i++) {
    const port = await openHidLinkPort(IDS, { binding: mimic });
    port.onEvent(() => undefined);
    await port.close();
    await port.close();
  }
  t.is(device.openHandles(), 0);
});

test('listHidDevices lists and filters what devicesAsync reports; the real one answers here too', async (t) => {
  const mimic = createNodeHidMimic();
  mimic.plug({ ...IDS, product: 'bifente terminal' });
  mimic.plug({ vendorId: 0x046d, productId: 0xc077 });
  const ours = await listHidDevices({ binding: mimic, vendorId: IDS.vendorId });
  t.deepEqual(ours.map((d) => [d.path, d.product]), [['/dev/hidraw0', 'bifente terminal']]);
  t.is((await listHidDevices({ binding: mimic })).length, 2);
  t.true(Array.isArray(await listHidDevices()), 'the real node-hid enumerates (no HID device on this machine)');
});
