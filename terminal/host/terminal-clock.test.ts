import test from 'ava';
import { tempStore } from '../lots/test-support.js';
import { decodeTariffTable, encodeTariffTable, loadTariffs, saveTariffs, type TariffTableReason } from './tariffs-in-force.js';
import { CLOCK_SETTING, openTerminalClock } from './terminal-clock.js';
import { BUILT_IN_TARIFFS, TARIFFS_JSON } from './test-support.js';

test('the terminal clock: base + the host offset, kept in one setting; a foreign setting counts as unset', async (t) => {
  const store = await tempStore();
  let base = 1_000_000;
  const clock = await openTerminalClock({ now: () => base }, store);
  t.is(clock.now(), 1_000_000);
  t.is(await clock.set(5_000_000, 120), 1_000_000);
  base += 10;
  t.is(clock.now(), 5_000_010);
  t.is((await openTerminalClock({ now: () => base }, store)).utcOffsetMinutes(base), 120);
  await t.throwsAsync(clock.set(-1, 0), { instanceOf: RangeError });
  await t.throwsAsync(clock.set(0, 900), { instanceOf: RangeError });
  await store.setSetting(CLOCK_SETTING, 'not json');
  t.is((await openTerminalClock({ now: () => base }, store)).now(), base);
  await store.close();
});

test('tariff tables: JSON of a book in UTF-8; refused when not UTF-8, not JSON, or a bad book; the stored one wins unless older', async (t) => {
  const decoded = decodeTariffTable(encodeTariffTable(TARIFFS_JSON));
  t.true(decoded.ok);
  const bad: [Uint8Array, TariffTableReason][] = [
    [Uint8Array.of(0xc3, 0x28), 'bad-text'],
    [new TextEncoder().encode('{'), 'bad-json'],
    [encodeTariffTable({ tables: 'none' }), 'bad-shape'],
  ];
  for (const [bytes, reason] of bad) {
    const result = decodeTariffTable(bytes);
    t.false(result.ok);
    if (!result.ok) t.is(result.error.reason, reason);
  }
  const store = await tempStore();
  t.is(await loadTariffs(store, BUILT_IN_TARIFFS), BUILT_IN_TARIFFS, 'none stored: the built-in');
  await saveTariffs(store, 3, encodeTariffTable(TARIFFS_JSON));
  t.is((await loadTariffs(store, BUILT_IN_TARIFFS)).version, 3);
  t.is((await loadTariffs(store, { ...BUILT_IN_TARIFFS, version: 4 })).version, 4, 'a newer firmware table wins');
  await store.close();
});
