/**
 * `test-vectors/protocol/ccid.json`, loaded with its hex byte strings
 * turned into Uint8Array. Test-only: not exported by the folder's index.
 * @module
 */
import { hex } from '../bytes.js';
import { loadVectors, type BadRow, type VectorRow } from '../test-support.js';
import type { CcidCapabilities, CcidClassDescriptor } from './class-descriptor.js';
import type { CcidCommand } from './command.js';
import type { CcidInterrupt } from './interrupt.js';
import type { CcidResponse } from './response.js';

interface JsonRow {
  name: string;
  source?: string;
  hex: string;
  value: unknown;
}

interface DescriptorRow extends JsonRow {
  capabilities: CcidCapabilities;
}

interface CcidJson {
  commands: JsonRow[];
  responses: JsonRow[];
  interrupts: JsonRow[];
  descriptors: DescriptorRow[];
  badCommands: BadRow[];
  badResponses: BadRow[];
  badInterrupts: BadRow[];
  badDescriptors: BadRow[];
}

/** Keys whose string values are hex byte strings. */
const BYTE_KEYS = new Set(['data', 'apdu', 'teoPrologue']);

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, BYTE_KEYS.has(k) && typeof v === 'string' ? hex(v) : revive(v)]),
  );
}

function rows<T>(list: JsonRow[]): VectorRow<T>[] {
  return list.map((r) => ({ name: r.name, hex: r.hex, value: revive(r.value) as T }));
}

const json = loadVectors<CcidJson>('ccid');

/** The file's tables, typed. */
export const ccidVectors = {
  commands: rows<CcidCommand>(json.commands),
  responses: rows<CcidResponse>(json.responses),
  interrupts: rows<CcidInterrupt>(json.interrupts),
  descriptors: json.descriptors.map((r) => ({ name: r.name, hex: r.hex, value: r.value as CcidClassDescriptor, capabilities: r.capabilities })),
  badCommands: json.badCommands,
  badResponses: json.badResponses,
  badInterrupts: json.badInterrupts,
  badDescriptors: json.badDescriptors,
};
