/**
 * The capture loop the power-loss test kills (bundled by the test with
 * esbuild, run with plain node): boots the store at argv[2], then stores
 * FSEs of seeded random sizes, now and then groups them into a lot or
 * acknowledges a lot, and prints a line only after each call returned:
 * what the display would confirm. It never stops by itself before 3,000
 * operations: the test kills it with SIGKILL.
 *
 * Lines: `ready <count>`, `confirmed <id> <sha256>`, `lot-begin <dest> <number>`,
 * `lot <lotId> <dest> <number> <id,id,...>`, `ack <lotId>`, `quarantined <reason> <detail>`.
 * @module
 */
import { createHash } from 'node:crypto';
import { openTerminalStore } from './index.js';
import { makeFse, seededRandom } from './test-support.js';

const DESTINATIONS = ['011', '012', '031'] as const;
const [path, seedText] = process.argv.slice(2);
if (path === undefined || seedText === undefined) throw new Error('usage: power-loss-child <db> <seed>');
const random = seededRandom(Number(seedText));
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const boot = await openTerminalStore(path, { capacity: 1_000_000 });
if (boot.boot !== 'ok') {
  say(`quarantined ${boot.quarantined.reason} ${boot.quarantined.detail}`);
  process.exit(2);
}
const store = boot.store;
const fses = await store.listFses();
say(`ready ${fses.length}`);
let nextId = (fses.at(-1)?.id ?? 0) + 1;

for (let op = 0; op < 3000; op++) {
  const roll = random();
  if (roll < 0.06) {
    const destination = DESTINATIONS[Math.floor(random() * DESTINATIONS.length)] ?? '011';
    const stored = await store.listFses({ state: 'stored', destination });
    if (stored.length === 0) continue;
    const ids = stored.slice(0, 1 + Math.floor(random() * Math.min(stored.length, 999))).map((f) => f.id);
    const number = await store.nextLotNumber(destination);
    say(`lot-begin ${destination} ${number}`);
    const lot = await store.createLot({ destination, number, fseIds: ids, bytes: makeFse(1, random, 200 + ids.length * 40).bytes, signature: makeFse(1, random, 256).bytes });
    say(`lot ${lot.id} ${destination} ${number} ${ids.join(',')}`);
  } else if (roll < 0.08) {
    const oldest = (await store.listLots({ state: 'signed' }))[0];
    if (oldest === undefined) continue;
    await store.acknowledge({ lotIds: [oldest.id] });
    say(`ack ${oldest.id}`);
  } else {
    const destination = DESTINATIONS[Math.floor(random() * DESTINATIONS.length)] ?? '011';
    const fse = makeFse(nextId, random, 100 + Math.floor(random() * 2400), destination);
    await store.putFse(fse);
    say(`confirmed ${fse.id} ${createHash('sha256').update(fse.bytes).digest('hex')}`);
    nextId += 1;
  }
}
await store.close();
