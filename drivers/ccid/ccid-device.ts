/**
 * One CCID reader on the USB: its opened device, claimed interface, class
 * descriptor, bulk channel and interrupt pipe (USB CCID Rev 1.1 §3, §5,
 * §6.3). Slots are numbered 0 to bMaxSlotIndex.
 * @module
 */
import {
  ccidFeatures,
  parseCcidInterrupt,
  type CcidClassDescriptor,
  type CcidFeatures,
  type IccStatus,
  type SlotStatusResponse,
  type DataBlockResponse,
} from '../../protocol/index.js';
import { DriverError, isDriverError } from '../core/errors.js';
import { BulkChannel, type UnnumberedCommand } from './bulk-channel.js';
import type { CcidResponse } from '../../protocol/index.js';
import { ccidEndpoints, ccidInterfacesOf, readConfigurationDescriptor, CCID_INTERFACE_CLASS, type CcidEndpoints } from './descriptors.js';
import { fromUsbError, type UsbDeviceLike } from './usb-api.js';

/** Timing options of a device. */
export interface CcidDeviceOptions {
  /** Wait for a bulk answer (time extensions restart it); default 5000 ms. */
  readonly timeoutMs: number;
  /** Timeout of each interrupt-in read: how quickly the watcher notices `stop()`; default 500 ms. */
  readonly interruptPollMs: number;
  readonly onTimeExtension?: ((slot: number, multiplier: number) => void) | undefined;
}

/** The key of a device across `getDevices()` calls. */
export function deviceKey(device: UsbDeviceLike): string {
  return device.handle ?? `${device.vendorId.toString(16)}:${device.productId.toString(16)}:${device.serialNumber ?? ''}`;
}

/** True when the device shows an interface of the Smart Card class in its active configuration. */
export function looksLikeCcid(device: UsbDeviceLike): boolean {
  return device.configuration?.interfaces.some((i) => i.alternate.interfaceClass === CCID_INTERFACE_CLASS) ?? false;
}

const pad2 = (n: number) => n.toString().padStart(2, '0');

/** An opened CCID reader. */
export class CcidDevice {
  readonly channel: BulkChannel;
  readonly features: CcidFeatures;
  #watching = false;
  #gone: DriverError | null = null;

  private constructor(
    readonly usb: UsbDeviceLike,
    readonly index: number,
    readonly interfaceNumber: number,
    readonly descriptor: CcidClassDescriptor,
    readonly endpoints: CcidEndpoints,
    private readonly options: CcidDeviceOptions,
  ) {
    this.features = ccidFeatures(descriptor.features);
    this.channel = new BulkChannel(usb, {
      bulkIn: endpoints.bulkIn.endpointNumber,
      bulkOut: endpoints.bulkOut.endpointNumber,
      maxMessageLength: descriptor.maxCcidMessageLength,
      ...(options.onTimeExtension === undefined ? {} : { onTimeExtension: options.onTimeExtension }),
    });
  }

  /**
   * Open `usb`, read its configuration descriptor, claim its first CCID
   * interface. The device is closed again if any step fails.
   */
  static async open(usb: UsbDeviceLike, index: number, options: CcidDeviceOptions): Promise<CcidDevice> {
    try {
      await usb.open();
    } catch (error) {
      throw fromUsbError(error, `opening USB device ${usb.productName ?? deviceKey(usb)}`);
    }
    try {
      const [ccid] = ccidInterfacesOf(await readConfigurationDescriptor(usb));
      if (ccid === undefined) throw new DriverError('not-found', `${usb.productName ?? deviceKey(usb)} has no CCID interface`);
      const iface = usb.configuration?.interfaces.find((i) => i.interfaceNumber === ccid.interfaceNumber);
      const alternate = iface?.alternates.find((a) => a.alternateSetting === ccid.alternateSetting) ?? iface?.alternate;
      if (alternate === undefined) throw new DriverError('protocol-error', `interface ${ccid.interfaceNumber} is in the descriptor but not in the configuration`);
      try {
        await usb.claimInterface(ccid.interfaceNumber);
      } catch (error) {
        throw fromUsbError(error, `claiming the CCID interface of ${usb.productName ?? deviceKey(usb)}`);
      }
      return new CcidDevice(usb, index, ccid.interfaceNumber, ccid.descriptor, ccidEndpoints(alternate.endpoints), options);
    } catch (error) {
      await usb.close().catch(() => undefined);
      throw error;
    }
  }

  /** Slot names, "<product> <serial> <reader index> <slot>" as pcsc-lite names readers. */
  get names(): string[] {
    const product = this.usb.productName ?? 'USB CCID reader';
    const serial = this.usb.serialNumber ?? `${this.usb.vendorId.toString(16).padStart(4, '0')}:${this.usb.productId.toString(16).padStart(4, '0')}`;
    return Array.from({ length: this.descriptor.maxSlotIndex + 1 }, (_, slot) => `${product} ${serial} ${pad2(this.index)} ${pad2(slot)}`);
  }

  /** The reason the device is unusable, or null. */
  get gone(): DriverError | null {
    return this.#gone;
  }

  /** One command to one slot, with the device's timeout. */
  send(command: UnnumberedCommand, what: string, signal?: AbortSignal, timeoutMs = this.options.timeoutMs): Promise<CcidResponse> {
    return this.channel.exchange(command, what, { timeoutMs, signal });
  }

  async slotStatus(slot: number): Promise<IccStatus> {
    try {
      const r = (await this.send({ type: 'get-slot-status', slot }, 'GetSlotStatus')) as SlotStatusResponse;
      return r.iccStatus;
    } catch (error) {
      // A failed GetSlotStatus still says whether a card is in (CCID §6.2.6: bmICCStatus is valid in every answer).
      if (isDriverError(error, 'no-card', 'card-removed')) return 'absent';
      throw error;
    }
  }

  /** IccPowerOn (CCID §6.1.1), automatic voltage: resolves with the ATR. */
  async powerOn(slot: number, signal?: AbortSignal): Promise<Uint8Array> {
    const r = (await this.send({ type: 'icc-power-on', slot, powerSelect: 'auto' }, 'power on', signal)) as DataBlockResponse;
    return r.data;
  }

  async powerOff(slot: number): Promise<void> {
    await this.send({ type: 'icc-power-off', slot }, 'power off');
  }

  /**
   * Read the interrupt pipe until `stop()`: each RDR_to_PC_NotifySlotChange
   * (CCID §6.3.1) calls `onSlot` for the slots marked changed. A reader
   * without an interrupt pipe has no notifications (the caller polls).
   */
  watch(onSlot: (slot: number, present: boolean) => void, onGone: (error: DriverError) => void): void {
    const pipe = this.endpoints.interruptIn;
    if (pipe === null || this.#watching) return;
    this.#watching = true;
    const loop = async () => {
      while (this.#watching && this.#gone === null) {
        let bytes: Uint8Array;
        try {
          const r = await this.usb.transferIn(pipe.endpointNumber, Math.max(pipe.packetSize, 2), this.options.interruptPollMs);
          if (r.data === undefined) continue;
          bytes = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
        } catch (error) {
          const e = fromUsbError(error, 'reading slot changes');
          if (e.code === 'timeout') continue;
          this.markGone(e);
          onGone(e);
          return;
        }
        if (!this.#watching) return;
        const message = parseCcidInterrupt(bytes);
        if (!message.ok || message.value.type !== 'notify-slot-change') continue;
        message.value.slots.forEach((s, slot) => {
          if (s.changed && slot <= this.descriptor.maxSlotIndex) onSlot(slot, s.present);
        });
      }
    };
    void loop();
  }

  /** Stop the interrupt loop (its last read ends within `interruptPollMs`). */
  stopWatching(): void {
    this.#watching = false;
  }

  /** The reader was unplugged or broke: every later call rejects with `reason`. */
  markGone(reason: DriverError): void {
    this.#gone ??= reason;
    this.channel.close(reason);
  }

  /** Release the interface and close the device. */
  async close(): Promise<void> {
    this.stopWatching();
    this.markGone(new DriverError('closed', 'the CCID transport was closed'));
    await this.usb.releaseInterface(this.interfaceNumber).catch(() => undefined);
    await this.usb.close().catch(() => undefined);
  }
}
