/**
 * Card images: the JSON file that is the persistent state of one card
 * (schema `test-vectors/cards/schema/card-image.schema.json`). The loader
 * validates the JSON with ajv against the schema, then checks what a schema
 * cannot (unique FIDs and SFIs per DF, sizes, references between PINs,
 * keys and access rules) and builds the {@link CardModel}. It never throws
 * on a bad image: it returns a typed {@link ParseResult}.
 * @module
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { fail, fromHex, ok, parseTagHex, type ParseResult } from '../../protocol/index.js';
import type {
  AccessRules,
  CardModel,
  Condition,
  DataObject,
  DfNode,
  EfNode,
  FileNode,
  KeyObjectEntry,
  KeyUsage,
  Operation,
  PinObject,
  Secret,
} from './card-model.js';
import { hashSecret } from './secret.js';

/** Why a card image was refused. */
export type CardImageReason = 'unreadable' | 'bad-json' | 'schema' | 'bad-tree' | 'bad-reference' | 'bad-key';

/** JSON form of a condition. */
export type ConditionJson = 'always' | 'never' | { readonly pin: number };
/** JSON form of access rules. */
export type AccessJson = Partial<Record<Operation, ConditionJson>>;
/** JSON form of a data object. */
export interface DataObjectJson {
  readonly tag: string;
  readonly value: string;
  readonly read?: ConditionJson;
}
/** JSON form of a DF (the MF has no `type`). */
export interface DfJson {
  readonly type?: 'df';
  readonly fid: string;
  readonly label?: string;
  readonly name?: string;
  readonly access?: AccessJson;
  readonly dataObjects?: readonly DataObjectJson[];
  readonly children?: readonly (DfJson | EfJson)[];
}
/** JSON form of an EF. */
export interface EfJson {
  readonly type: 'ef';
  readonly fid: string;
  readonly label?: string;
  readonly sfi?: number;
  readonly structure: 'transparent' | 'linear-fixed' | 'linear-variable';
  readonly access?: AccessJson;
  readonly content?: string;
  readonly size?: number;
  readonly records?: readonly string[];
  readonly recordSize?: number;
  readonly maxRecords?: number;
}
/** JSON form of reference data: `value` in clear (fixtures) or `salt` + `sha256`. */
export interface SecretJson {
  readonly value?: string;
  readonly salt?: string;
  readonly sha256?: string;
  readonly minLength: number;
  readonly maxLength: number;
  readonly padByte?: number;
  readonly triesMax: number;
  readonly triesLeft?: number;
}
/** JSON form of a PIN object. */
export interface PinJson {
  readonly reference: number;
  readonly label?: string;
  readonly se?: number;
  readonly secret: SecretJson;
  readonly unblock?: SecretJson;
}
/** JSON form of a key. */
export interface KeyJson {
  readonly reference: number;
  readonly label?: string;
  readonly pin?: number;
  readonly usage: readonly KeyUsage[];
  readonly pem?: string;
  readonly pemFile?: string;
}
/** A whole card image as stored. */
export interface CardImageJson {
  readonly $schema: string;
  readonly description?: string;
  readonly atr: string;
  readonly warmAtr?: string;
  readonly pins?: readonly PinJson[];
  readonly keys?: readonly KeyJson[];
  readonly mf: DfJson;
}

/** Where the schema lives, relative to this file. */
export const CARD_IMAGE_SCHEMA_PATH = resolve(dirname(new URL(import.meta.url).pathname), '../../test-vectors/cards/schema/card-image.schema.json');

let validator: ValidateFunction | undefined;
function validate(json: unknown): string | undefined {
  if (validator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validator = ajv.compile(JSON.parse(readFileSync(CARD_IMAGE_SCHEMA_PATH, 'utf8')) as object);
  }
  if (validator(json)) return undefined;
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

/** A typed refusal raised inside the builder and returned by the loader. */
class ImageProblem extends Error {
  constructor(
    readonly reason: CardImageReason,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

function bytes(text: string, path: string): Uint8Array {
  const r = fromHex(text.replace(/\s+/g, ''));
  if (!r.ok) throw new ImageProblem('schema', `${path}: not hex`, path);
  return r.value;
}

function fid(text: string): number {
  return Number.parseInt(text, 16);
}

function condition(json: ConditionJson | undefined, pins: ReadonlyMap<number, unknown>, path: string): Condition | undefined {
  if (json === undefined) return undefined;
  if (json === 'always' || json === 'never') return { kind: json };
  if (!pins.has(json.pin)) throw new ImageProblem('bad-reference', `${path}: no PIN ${json.pin}`, path);
  return { kind: 'pin', reference: json.pin };
}

function access(json: AccessJson | undefined, pins: ReadonlyMap<number, unknown>, path: string): AccessRules {
  const rules: AccessRules = {};
  for (const [op, c] of Object.entries(json ?? {}) as [Operation, ConditionJson][]) {
    const built = condition(c, pins, `${path}/access/${op}`);
    if (built !== undefined) rules[op] = built;
  }
  return rules;
}

function secret(json: SecretJson, path: string): Secret {
  if (json.minLength > json.maxLength) throw new ImageProblem('bad-reference', `${path}: minLength > maxLength`, path);
  const triesLeft = json.triesLeft ?? json.triesMax;
  if (triesLeft > json.triesMax) throw new ImageProblem('bad-reference', `${path}: triesLeft > triesMax`, path);
  let salt: Uint8Array;
  let digest: Uint8Array;
  if (json.value !== undefined) {
    const value = new TextEncoder().encode(json.value);
    if (value.length < json.minLength || value.length > json.maxLength) {
      throw new ImageProblem('bad-reference', `${path}: the value's length is outside minLength..maxLength`, path);
    }
    ({ salt, digest } = hashSecret(value));
  } else {
    salt = bytes(json.salt ?? '', `${path}/salt`);
    digest = bytes(json.sha256 ?? '', `${path}/sha256`);
  }
  return { minLength: json.minLength, maxLength: json.maxLength, padByte: json.padByte, triesMax: json.triesMax, triesLeft, salt, digest };
}

function readKey(json: KeyJson, baseDir: string, path: string): { privateKey: KeyObject; modulusBytes: number } {
  let pem: string;
  try {
    pem = json.pem ?? readFileSync(resolve(baseDir, json.pemFile ?? ''), 'utf8');
  } catch (error) {
    throw new ImageProblem('bad-key', `${path}: cannot read ${json.pemFile ?? 'the PEM'} (${(error as Error).message})`, path);
  }
  try {
    const privateKey = createPrivateKey(pem);
    const bits = privateKey.asymmetricKeyDetails?.modulusLength;
    if (privateKey.asymmetricKeyType !== 'rsa' || bits === undefined) throw new Error('not an RSA private key');
    return { privateKey, modulusBytes: bits / 8 };
  } catch (error) {
    throw new ImageProblem('bad-key', `${path}: ${(error as Error).message}`, path);
  }
}

function dataObjects(json: readonly DataObjectJson[] | undefined, pins: ReadonlyMap<number, unknown>, path: string): DataObject[] {
  const seen = new Set<number>();
  return (json ?? []).map((d, i) => {
    const p = `${path}/dataObjects/${i}`;
    const tag = parseTagHex(d.tag);
    if (!tag.ok) throw new ImageProblem('bad-tree', `${p}: ${tag.error.message}`, p);
    if (seen.has(tag.value)) throw new ImageProblem('bad-tree', `${p}: tag ${d.tag} twice`, p);
    seen.add(tag.value);
    return { tag: tag.value, value: bytes(d.value, p), read: condition(d.read, pins, `${p}/read`) ?? { kind: 'always' } };
  });
}

function ef(json: EfJson, parent: DfNode, pins: ReadonlyMap<number, unknown>, path: string): EfNode {
  const common = { kind: 'ef', fid: fid(json.fid), label: json.label, sfi: json.sfi, parent, access: access(json.access, pins, path) } as const;
  if (json.structure === 'transparent') {
    const content = bytes(json.content ?? '', `${path}/content`);
    const size = json.size ?? content.length;
    if (content.length > size) throw new ImageProblem('bad-tree', `${path}: content longer than size`, path);
    const padded = new Uint8Array(size);
    padded.set(content);
    return { ...common, structure: 'transparent', content: padded };
  }
  const records = (json.records ?? []).map((r, i) => bytes(r, `${path}/records/${i}`));
  const recordSize = json.recordSize ?? Math.max(1, ...records.map((r) => r.length));
  const maxRecords = json.maxRecords ?? Math.max(1, records.length);
  if (records.length > maxRecords) throw new ImageProblem('bad-tree', `${path}: more records than maxRecords`, path);
  for (const [i, r] of records.entries()) {
    const bad = json.structure === 'linear-fixed' ? r.length !== recordSize : r.length > recordSize || r.length === 0;
    if (bad) throw new ImageProblem('bad-tree', `${path}/records/${i}: size does not fit recordSize ${recordSize}`, path);
  }
  return { ...common, structure: json.structure, records, recordSize, maxRecords };
}

function df(json: DfJson, parent: DfNode | undefined, pins: ReadonlyMap<number, unknown>, path: string): DfNode {
  const name = json.name === undefined ? undefined : bytes(json.name, `${path}/name`);
  const node: DfNode = {
    kind: 'df',
    fid: fid(json.fid),
    label: json.label,
    name,
    parent,
    children: [],
    dataObjects: dataObjects(json.dataObjects, pins, path),
    access: access(json.access, pins, path),
  };
  const fids = new Set<number>([node.fid]);
  const sfis = new Set<number>();
  for (const [i, child] of (json.children ?? []).entries()) {
    const p = `${path}/children/${i}`;
    const built: FileNode = child.type === 'ef' ? ef(child, node, pins, p) : df(child, node, pins, p);
    if (built.fid === 0x3f00 || built.fid === 0x3fff || built.fid === 0xffff) throw new ImageProblem('bad-tree', `${p}: reserved FID`, p);
    if (fids.has(built.fid)) throw new ImageProblem('bad-tree', `${p}: FID ${child.fid} twice in one DF`, p);
    fids.add(built.fid);
    if (built.kind === 'ef' && built.sfi !== undefined) {
      if (sfis.has(built.sfi)) throw new ImageProblem('bad-tree', `${p}: SFI ${built.sfi} twice in one DF`, p);
      sfis.add(built.sfi);
    }
    node.children.push(built);
  }
  return node;
}

/**
 * Build a card from parsed JSON: schema check, then consistency checks.
 * `baseDir` resolves `pemFile` paths.
 */
export function parseCardImage(json: unknown, baseDir: string): ParseResult<CardModel, CardImageReason> {
  const schemaErrors = validate(json);
  if (schemaErrors !== undefined) return fail('schema', schemaErrors, 0, '/');
  const image = json as CardImageJson;
  try {
    const pinJson = new Map<number, PinJson>();
    for (const p of image.pins ?? []) {
      if (pinJson.has(p.reference)) throw new ImageProblem('bad-reference', `PIN ${p.reference} twice`, '/pins');
      pinJson.set(p.reference, p);
    }
    const pins = new Map<number, PinObject>();
    for (const [i, p] of (image.pins ?? []).entries()) {
      const path = `/pins/${i}`;
      pins.set(p.reference, {
        reference: p.reference,
        label: p.label ?? `PIN ${p.reference}`,
        se: p.se ?? p.reference & 0x0f,
        secret: secret(p.secret, `${path}/secret`),
        unblock: p.unblock === undefined ? undefined : secret(p.unblock, `${path}/unblock`),
      });
    }
    const keys = new Map<number, KeyObjectEntry>();
    for (const [i, k] of (image.keys ?? []).entries()) {
      const path = `/keys/${i}`;
      if (keys.has(k.reference)) throw new ImageProblem('bad-reference', `${path}: key ${k.reference} twice`, path);
      if (k.pin !== undefined && !pins.has(k.pin)) throw new ImageProblem('bad-reference', `${path}: no PIN ${k.pin}`, path);
      const source = k.pem !== undefined ? { pem: k.pem } : { pemFile: k.pemFile ?? '' };
      keys.set(k.reference, {
        reference: k.reference,
        label: k.label ?? `key ${k.reference}`,
        pin: k.pin,
        usage: new Set(k.usage),
        ...readKey(k, baseDir, path),
        source,
      });
    }
    if (fid(image.mf.fid) !== 0x3f00) throw new ImageProblem('bad-tree', '/mf: the MF is 3F00', '/mf');
    return ok({
      description: image.description ?? '',
      atr: bytes(image.atr, '/atr'),
      warmAtr: image.warmAtr === undefined ? undefined : bytes(image.warmAtr, '/warmAtr'),
      mf: df(image.mf, undefined, pinJson, '/mf'),
      pins,
      keys,
    });
  } catch (error) {
    if (error instanceof ImageProblem) return fail(error.reason, error.message, 0, error.path);
    throw error;
  }
}

/** Parse the JSON text of a card image (see {@link parseCardImage}). */
export function parseCardImageText(text: string, baseDir: string): ParseResult<CardModel, CardImageReason> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail('bad-json', (error as Error).message, 0, '/');
  }
  return parseCardImage(json, baseDir);
}

/** Read and parse a card image file; `pemFile` paths are relative to its folder. */
export function loadCardImage(path: string): ParseResult<CardModel, CardImageReason> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail('unreadable', `${path}: ${(error as Error).message}`, 0, '/');
  }
  return parseCardImageText(text, dirname(path));
}
