/**
 * `--link` of `bifente host sync`: which link port to open (serial device,
 * HID device), and the terminal found when none is named.
 * @module
 */
import { listSerialPorts, openHidLinkPort, openSerialLinkPort, type HidDeviceSelector, type LinkPort } from '../../drivers/index.js';
import { UsageError } from '../command.js';

/** A parsed `--link`. */
export type LinkSpec = { readonly kind: 'serial'; readonly path: string } | { readonly kind: 'hid'; readonly device: HidDeviceSelector };

const USB_IDS = /^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$/;

/**
 * Parse `serial:<device>`, `hid:<hidraw path>` or `hid:<vendor>:<product>`
 * (4 hex digits each); a {@link UsageError} otherwise.
 * @example parseLinkSpec('serial:/dev/ttyACM0') // { kind: 'serial', path: '/dev/ttyACM0' }
 */
export function parseLinkSpec(text: string): LinkSpec {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (colon > 0 && rest !== '') {
    if (kind === 'serial') return { kind, path: rest };
    if (kind === 'hid') {
      const ids = USB_IDS.exec(rest);
      return { kind, device: ids === null ? { path: rest } : { vendorId: parseInt(ids[1]!, 16), productId: parseInt(ids[2]!, 16) } };
    }
  }
  throw new UsageError(`--link "${text}" is not serial:<device>, hid:<hidraw path> or hid:<vendor>:<product>`);
}

/** The link's name for messages. */
export function linkName(spec: LinkSpec): string {
  if (spec.kind === 'serial') return `serial:${spec.path}`;
  const d = spec.device;
  return 'path' in d ? `hid:${d.path}` : `hid:${d.vendorId.toString(16).padStart(4, '0')}:${d.productId.toString(16).padStart(4, '0')}`;
}

/**
 * The terminal's link when `--link` is not given: the one USB serial device
 * (ttyACM*, ttyUSB*). None: `undefined`; several: a {@link UsageError}
 * naming them (choose one with `--link`).
 */
export async function defaultLink(): Promise<LinkSpec | undefined> {
  const { ports } = await listSerialPorts();
  if (ports.length > 1) throw new UsageError(`several serial devices (${ports.map((p) => p.path).join(', ')}): choose one with --link serial:<device>`);
  const only = ports[0];
  return only === undefined ? undefined : { kind: 'serial', path: only.path };
}

/** Open the link port `spec` names (the drivers' DriverError when it cannot). */
export function openLinkPort(spec: LinkSpec, signal: AbortSignal | undefined): Promise<LinkPort> {
  const options = signal === undefined ? {} : { signal };
  return spec.kind === 'serial' ? openSerialLinkPort(spec.path, options) : openHidLinkPort(spec.device, options);
}
