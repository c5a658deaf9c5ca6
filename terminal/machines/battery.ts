/**
 * The battery model of the portable terminal (issue 6 "Device"): a charge
 * in per mille that each operation drains by a named cost; below
 * `lowThreshold` new captures are refused (stored FSEs are kept and the
 * transfer to the host still works); at 0 the terminal switches off.
 *
 * OURS: the costs and thresholds (no public TLA figure). A full charge
 * lasts about a home-visit day: 20 captures with their card work, the
 * transfer and several boots use well under half of it.
 * @module
 */

/** What drains the battery, one named cost each. */
export type BatteryOperation = 'boot' | 'cardRead' | 'pinVerify' | 'signature' | 'capture' | 'transfer';

/** Charge each operation takes, per mille of a full battery. */
export const BATTERY_COSTS: Readonly<Record<BatteryOperation, number>> = {
  boot: 5,
  cardRead: 1,
  pinVerify: 1,
  signature: 2,
  capture: 3,
  transfer: 4,
};

/** Below this charge (per mille) new captures are refused. */
export const BATTERY_LOW_THRESHOLD = 100;

/** The battery in the device's context. */
export interface Battery {
  /** Charge, per mille (0..1000). */
  readonly charge: number;
  /** On the charger: captures allowed whatever the charge, nothing drains. */
  readonly charging: boolean;
}

/** A full battery off the charger. */
export const FULL_BATTERY: Battery = { charge: 1000, charging: false };

/** The battery after `operation`: drained by its cost (never below 0), unchanged while charging. */
export function drain(battery: Battery, operation: BatteryOperation): Battery {
  if (battery.charging) return battery;
  return { ...battery, charge: Math.max(0, battery.charge - BATTERY_COSTS[operation]) };
}

/** True when a new capture may start. */
export function allowsCapture(battery: Battery): boolean {
  return battery.charging || battery.charge >= BATTERY_LOW_THRESHOLD;
}

/** The charge as the display shows it, whole percent rounded down. */
export function batteryPercent(battery: Battery): number {
  return Math.floor(battery.charge / 10);
}
