/**
 * Writes a {@link CardModel} back to its card-image JSON: the inverse of
 * `parseCardImage`, except that reference data is always written as a
 * salted hash, never in clear (OURS, README), and a transparent EF's
 * content is written at its full size.
 * @module
 */
import { toHex, tagHex } from '../../protocol/index.js';
import type { AccessRules, CardModel, Condition, DfNode, EfNode, Secret } from './card-model.js';
import type { AccessJson, CardImageJson, ConditionJson, DfJson, EfJson, SecretJson } from './card-image.js';

function conditionJson(c: Condition): ConditionJson {
  return c.kind === 'pin' ? { pin: c.reference } : c.kind;
}

function accessJson(rules: AccessRules): AccessJson | undefined {
  const entries = Object.entries(rules) as [keyof AccessRules, Condition][];
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([op, c]) => [op, conditionJson(c)]));
}

function secretJson(s: Secret): SecretJson {
  return {
    salt: toHex(s.salt),
    sha256: toHex(s.digest),
    minLength: s.minLength,
    maxLength: s.maxLength,
    ...(s.padByte === undefined ? {} : { padByte: s.padByte }),
    triesMax: s.triesMax,
    triesLeft: s.triesLeft,
  };
}

function fidHex(fid: number): string {
  return fid.toString(16).toUpperCase().padStart(4, '0');
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function efJson(ef: EfNode): EfJson {
  const base = {
    type: 'ef',
    fid: fidHex(ef.fid),
    ...optional('label', ef.label),
    ...optional('sfi', ef.sfi),
    structure: ef.structure,
    ...optional('access', accessJson(ef.access)),
  } as const;
  if (ef.structure === 'transparent') return { ...base, content: toHex(ef.content) };
  return { ...base, records: ef.records.map((r) => toHex(r)), recordSize: ef.recordSize, maxRecords: ef.maxRecords };
}

function dfJson(df: DfNode): DfJson {
  return {
    ...(df.parent === undefined ? {} : { type: 'df' as const }),
    fid: fidHex(df.fid),
    ...optional('label', df.label),
    ...optional('name', df.name === undefined ? undefined : toHex(df.name)),
    ...optional('access', accessJson(df.access)),
    ...(df.dataObjects.length === 0
      ? {}
      : {
          dataObjects: df.dataObjects.map((d) => ({
            tag: tagHex(d.tag),
            value: toHex(d.value),
            ...(d.read.kind === 'always' ? {} : { read: conditionJson(d.read) }),
          })),
        }),
    ...(df.children.length === 0 ? {} : { children: df.children.map((c) => (c.kind === 'df' ? dfJson(c) : efJson(c))) }),
  };
}

/** The card image of a model, as an object ready for JSON. */
export function cardImageJson(model: CardModel, schema = './schema/card-image.schema.json'): CardImageJson {
  return {
    $schema: schema,
    ...optional('description', model.description === '' ? undefined : model.description),
    atr: toHex(model.atr),
    ...optional('warmAtr', model.warmAtr === undefined ? undefined : toHex(model.warmAtr)),
    pins: [...model.pins.values()].map((p) => ({
      reference: p.reference,
      label: p.label,
      se: p.se,
      secret: secretJson(p.secret),
      ...optional('unblock', p.unblock === undefined ? undefined : secretJson(p.unblock)),
    })),
    keys: [...model.keys.values()].map((k) => ({
      reference: k.reference,
      label: k.label,
      ...optional('pin', k.pin),
      usage: [...k.usage],
      ...k.source,
    })),
    mf: dfJson(model.mf),
  };
}

/** The card image of a model as JSON text (2-space indent, final newline). */
export function serializeCardImage(model: CardModel): string {
  return JSON.stringify(cardImageJson(model), null, 2) + '\n';
}
