/**
 * The file tree's lookups and its control parameters: children by FID,
 * EFs by short identifier, DFs by name in tree order, and the FCP / FCI
 * templates (ISO/IEC 7816-4 §5.3.3, table 12: 62 {80, 82, 83, 84, 88, 8A,
 * A1 {8C}}; 6F holds the same objects).
 * @module
 */
import { encodeTlvNode, tlv, tlvConstructed, type TlvItem } from '../../protocol/index.js';
import { compactAccessRules } from './access.js';
import type { DfNode, EfNode, FileNode, PinObject } from './card-model.js';

/** The MF's file identifier (ISO/IEC 7816-4 §5.3.1.1). */
export const MF_FID = 0x3f00;

/** The child of `df` with this FID, if any. */
export function childByFid(df: DfNode, fid: number): FileNode | undefined {
  return df.children.find((c) => c.fid === fid);
}

/** The EF of `df` with this short EF identifier, if any. */
export function efBySfi(df: DfNode, sfi: number): EfNode | undefined {
  return df.children.find((c): c is EfNode => c.kind === 'ef' && c.sfi === sfi);
}

/** Every DF of the tree in pre-order (MF first): the order of "first / next occurrence" for SELECT by DF name. */
export function dfsInOrder(mf: DfNode): DfNode[] {
  const out: DfNode[] = [];
  const visit = (df: DfNode): void => {
    out.push(df);
    for (const c of df.children) if (c.kind === 'df') visit(c);
  };
  visit(mf);
  return out;
}

/** Whether `name` starts with `prefix`: ISO/IEC 7816-4 §5.3.1.3 allows a right-truncated DF name. */
export function nameMatches(name: Uint8Array | undefined, prefix: Uint8Array): boolean {
  if (name === undefined || prefix.length === 0 || prefix.length > name.length) return false;
  for (let i = 0; i < prefix.length; i++) if (name[i] !== prefix[i]) return false;
  return true;
}

/** Bytes an EF holds (tag 80): content size or the records' total. */
export function efSize(ef: EfNode): number {
  if (ef.structure === 'transparent') return ef.content.length;
  return ef.records.reduce((n, r) => n + r.length, 0);
}

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

/**
 * The file descriptor (tag 82, ISO/IEC 7816-4 §5.3.3.2, tables 13-14):
 * DF 38; transparent EF 01; linear fixed 02 and variable 04, followed by
 * the data coding byte 21, the record size on 2 bytes and the record count.
 */
function descriptor(file: FileNode): Uint8Array {
  if (file.kind === 'df') return Uint8Array.of(0x38);
  if (file.structure === 'transparent') return Uint8Array.of(0x01);
  const fdb = file.structure === 'linear-fixed' ? 0x02 : 0x04;
  return Uint8Array.of(fdb, 0x21, ...u16(file.recordSize), file.records.length);
}

/** The data objects of a file's control parameters, in tag order. */
function controlParameters(file: FileNode, pins: ReadonlyMap<number, PinObject>): TlvItem[] {
  const items: TlvItem[] = [];
  if (file.kind === 'ef') items.push(tlv(0x80, u16(efSize(file))));
  items.push(tlv(0x82, descriptor(file)), tlv(0x83, u16(file.fid)));
  if (file.kind === 'df' && file.name !== undefined) items.push(tlv(0x84, file.name));
  if (file.kind === 'ef' && file.sfi !== undefined) items.push(tlv(0x88, Uint8Array.of(file.sfi << 3)));
  // 05: operational state, activated (ISO/IEC 7816-4 §5.3.3.2, table 15).
  items.push(tlv(0x8a, Uint8Array.of(0x05)));
  items.push(tlvConstructed(0xa1, [tlv(0x8c, compactAccessRules(file, pins))]));
  return items;
}

/** The FCP template, tag 62 (SELECT P2=04). */
export function fcp(file: FileNode, pins: ReadonlyMap<number, PinObject>): Uint8Array {
  return encodeTlvNode(tlvConstructed(0x62, controlParameters(file, pins)));
}

/** The FCI template, tag 6F (SELECT P2=00): the same objects as the FCP (OURS: no FMD objects). */
export function fci(file: FileNode, pins: ReadonlyMap<number, PinObject>): Uint8Array {
  return encodeTlvNode(tlvConstructed(0x6f, controlParameters(file, pins)));
}
