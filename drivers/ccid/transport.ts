/**
 * The USB CCID transport: the class driver pcscd's libccid is, over the
 * `usb` 3.x package. Finds Smart Card class interfaces (USB CCID Rev 1.1
 * §4), one reader per slot, card events from the interrupt pipe (§6.3.1),
 * readers from usb's `connect` / `disconnect` events.
 * @module
 */
import { DriverError } from '../core/errors.js';
import type { OpenOptions, ReaderDescriptor, ReaderPort, ReaderTransport, TransportEvent } from '../core/transport.js';
import { CcidDevice, deviceKey, looksLikeCcid } from './ccid-device.js';
import { CcidPort } from './ccid-port.js';
import { fromUsbError, loadUsb, type UsbConnectionEventLike, type UsbDeviceLike, type UsbLike } from './usb-api.js';

/** Options of {@link createCcidTransport}. */
export interface CcidTransportOptions {
  /** The `usb` object; default: `(await import('usb')).usb`, loaded at first use. Tests pass the mimic. */
  readonly usb?: UsbLike;
  /** Which CCID devices to use (default: all). */
  readonly filter?: (device: UsbDeviceLike) => boolean;
  /** Wait for a bulk answer, restarted by each time extension; default 5000 ms. */
  readonly timeoutMs?: number;
  /** Timeout of each interrupt-pipe read (bounds how long `close()` leaves a read in flight); default 500 ms. */
  readonly interruptPollMs?: number;
  /** Observe the reader's time extension replies (CCID §6.2.6, bmCommandStatus 2). */
  readonly onTimeExtension?: (slot: number, multiplier: number) => void;
}

/** The CCID transport: a {@link ReaderTransport} (kind `ccid`). */
export type CcidTransport = ReaderTransport;

interface Slot {
  readonly device: CcidDevice;
  readonly slot: number;
}

/**
 * Create the USB CCID transport. Nothing is loaded or opened until the
 * first call. Devices stay open (interface claimed) until `close()`.
 * @example const t = createCcidTransport(); const [r] = await t.list(); const port = await t.open(r.name, { share: 'exclusive', protocols: ['T=1', 'T=0'] });
 */
export function createCcidTransport(options: CcidTransportOptions = {}): CcidTransport {
  const deviceOptions = {
    timeoutMs: options.timeoutMs ?? 5000,
    interruptPollMs: options.interruptPollMs ?? 500,
    onTimeExtension: options.onTimeExtension,
  };
  const devices = new Map<string, CcidDevice>();
  const ports = new Set<CcidPort>();
  const listeners = new Set<(event: TransportEvent) => void>();
  let usb: UsbLike | null = options.usb ?? null;
  let nextIndex = 0;
  let closed = false;
  let watching = false;
  let refreshing: Promise<void> | null = null;

  const emit = (event: TransportEvent) => {
    for (const l of [...listeners]) l(event);
  };
  const closedError = () => new DriverError('closed', 'the CCID transport is closed');

  async function theUsb(): Promise<UsbLike> {
    usb ??= await loadUsb();
    return usb;
  }

  function slotsOf(device: CcidDevice): Slot[] {
    return device.names.map((_, slot) => ({ device, slot }));
  }

  function findSlot(name: string): Slot | null {
    for (const device of devices.values()) {
      const slot = device.names.indexOf(name);
      if (slot >= 0) return { device, slot };
    }
    return null;
  }

  /** A slot's card changed (interrupt pipe): tell ports and listeners; an inserted card is powered to read its ATR. */
  async function slotChanged(device: CcidDevice, slot: number, present: boolean): Promise<void> {
    const reader = device.names[slot]!;
    if (!present) {
      for (const p of ports) if (p.device === device && p.slot === slot) p.cardRemoved();
      emit({ type: 'card.removed', reader });
      return;
    }
    try {
      emit({ type: 'card.inserted', reader, atr: await device.powerOn(slot) });
    } catch {
      // The card went again, or gave no ATR: the next notification tells.
    }
  }

  function readerGone(device: CcidDevice, error: DriverError): void {
    if (!devices.has(deviceKey(device.usb))) return;
    devices.delete(deviceKey(device.usb));
    device.markGone(error);
    for (const p of ports) if (p.device === device) p.readerGone(error);
    for (const name of device.names) emit({ type: 'reader.removed', reader: name });
    void device.close();
  }

  function startWatching(device: CcidDevice): void {
    device.watch(
      (slot, present) => void slotChanged(device, slot, present),
      (error) => readerGone(device, error),
    );
  }

  /** Open every CCID device not open yet; forget the ones usb no longer lists. */
  function refresh(): Promise<void> {
    refreshing ??= (async () => {
      const u = await theUsb();
      let found: UsbDeviceLike[];
      try {
        found = await u.getDevices();
      } catch (error) {
        throw fromUsbError(error, 'listing USB devices');
      }
      const seen = new Set<string>();
      for (const usbDevice of found) {
        const key = deviceKey(usbDevice);
        seen.add(key);
        if (devices.has(key) || !looksLikeCcid(usbDevice) || (options.filter !== undefined && !options.filter(usbDevice))) continue;
        const device = await CcidDevice.open(usbDevice, nextIndex++, deviceOptions);
        if (closed) {
          await device.close();
          throw closedError();
        }
        devices.set(key, device);
        if (watching) {
          startWatching(device);
          for (const name of device.names) emit({ type: 'reader.added', reader: name });
        }
      }
      for (const [key, device] of devices) if (!seen.has(key)) readerGone(device, new DriverError('reader-gone', `${device.names[0] ?? key} was unplugged`));
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  const onConnect = () => void refresh().catch(() => undefined);
  const onDisconnect = (event: UsbConnectionEventLike) => {
    const device = devices.get(deviceKey(event.device));
    if (device !== undefined) readerGone(device, new DriverError('reader-gone', `${device.usb.productName ?? 'the CCID reader'} was unplugged`));
  };

  async function startEvents(): Promise<void> {
    const u = await theUsb();
    u.addEventListener('connect', onConnect);
    u.addEventListener('disconnect', onDisconnect);
    await refresh();
    for (const device of devices.values()) startWatching(device);
  }

  function stopEvents(): void {
    watching = false;
    for (const device of devices.values()) device.stopWatching();
    usb?.removeEventListener('connect', onConnect);
    usb?.removeEventListener('disconnect', onDisconnect);
  }

  return {
    kind: 'ccid',

    async list(): Promise<ReaderDescriptor[]> {
      if (closed) throw closedError();
      await refresh();
      const out: ReaderDescriptor[] = [];
      for (const device of devices.values()) {
        for (const { slot } of slotsOf(device)) {
          out.push({ name: device.names[slot]!, cardPresent: (await device.slotStatus(slot)) !== 'absent' });
        }
      }
      return out;
    },

    watch(listener) {
      if (closed) throw closedError();
      listeners.add(listener);
      if (!watching) {
        watching = true;
        startEvents().catch((error: unknown) => emit({ type: 'service.down', error: error instanceof Error ? error : new Error(String(error)) }));
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && watching) stopEvents();
      };
    },

    async open(reader: string, openOptions: OpenOptions): Promise<ReaderPort> {
      if (closed) throw closedError();
      if (findSlot(reader) === null) await refresh();
      const target = findSlot(reader);
      if (target === null) throw new DriverError('not-found', `no CCID reader named "${reader}"`);
      for (const p of ports) {
        if (p.device === target.device && p.slot === target.slot) throw new DriverError('sharing-violation', `${reader} is already open in this process`);
      }
      const port = await CcidPort.open(target.device, target.slot, reader, openOptions, (p) => ports.delete(p));
      if (closed) {
        await port.close('leave');
        throw closedError();
      }
      ports.add(port);
      return port;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      listeners.clear();
      stopEvents();
      await refreshing?.catch(() => undefined);
      await Promise.all([...ports].map((p) => p.close('leave')));
      await Promise.all([...devices.values()].map((d) => d.close()));
      devices.clear();
    },
  };
}
