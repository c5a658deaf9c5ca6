/**
 * Test-only: a two-slot software CCID reader (CPS in slot 0, carte Vitale
 * in slot 1) plugged into the usb mimic, built from the emulator's cards.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCard, loadPersona, openCps, openVitale, withFaults, type Doctor, type FaultPlan, type VirtualCard } from '../../../emulator/index.js';
import { createCcidTransport, type CcidTransportOptions } from '../transport.js';
import type { ReaderTransport } from '../../core/transport.js';
import { SoftwareCcidReader, t1Atr, type SoftwareReaderOptions } from './software-reader.js';
import { MimicUsb, type MimicUsbDevice } from './usb-mimic.js';

/** The doctor whose CPS sits in slot 0 (persona dr-benali, with his PIN). */
export const DOCTOR_ID = 'dr-benali';
/** The patient whose carte Vitale sits in slot 1. */
export const PATIENT_ID = 'pt-ald-cancer';

/** What a test gets: the mimic, the reader, its device, the transport and the cards. */
export interface Bench {
  readonly usb: MimicUsb;
  readonly reader: SoftwareCcidReader;
  readonly device: MimicUsbDevice;
  readonly transport: ReaderTransport;
  readonly cps: VirtualCard;
  readonly vitale: VirtualCard;
  readonly doctor: Doctor;
  /** Close the transport and delete the cards' state. */
  dispose(): Promise<void>;
}

/** Options of {@link twoSlotReader}. */
export interface BenchOptions extends SoftwareReaderOptions {
  /** A fault plan for the Vitale (slot 1). */
  readonly vitaleFaults?: FaultPlan;
  /** Present both cards with a T=1 ATR (TPDU tests: the reader runs the T=1 card machine). */
  readonly t1?: boolean;
  readonly transport?: Omit<CcidTransportOptions, 'usb'>;
}

/** A software reader with the CPS in slot 0 and the Vitale in slot 1, plugged in, and a CCID transport over it. */
export async function twoSlotReader(options: BenchOptions): Promise<Bench> {
  const stateDir = mkdtempSync(join(tmpdir(), 'ccid-mimic-'));
  const doctor = (await loadPersona(DOCTOR_ID)) as Doctor;
  const cps = fromCard(await openCps(DOCTOR_ID, { stateDir }));
  const plain = fromCard(await openVitale(PATIENT_ID, { stateDir }));
  const vitale = options.vitaleFaults === undefined ? plain : withFaults(plain, options.vitaleFaults);
  const reader = new SoftwareCcidReader(options);
  const usb = new MimicUsb();
  const device = usb.plug(reader.usbFunction);
  const atr = options.t1 === true ? t1Atr() : undefined;
  reader.insert(0, cps, atr);
  reader.insert(1, vitale, atr);
  const transport = createCcidTransport({ interruptPollMs: 100, timeoutMs: 3000, ...options.transport, usb });
  return {
    usb, reader, device, transport, cps, vitale, doctor,
    async dispose() {
      await transport.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
