// The screens: pinned texts of the messages, every screen within the display.
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { SCREEN_EXAMPLES } from './screen-examples.js';
import { renderView, type View } from './screens.js';

const trimmed = (view: View): string[] => renderView(view).map((line) => line.trim());

test('the issue\'s messages, as the display shows them', (t) => {
  t.deepEqual(trimmed({ kind: 'insert-card', card: 'cps' }), ['', 'Inserer carte CPS', '', '']);
  t.deepEqual(trimmed({ kind: 'pin-entry', digits: 4, triesLeft: 2 }), ['Code porteur :', '****', 'Code faux - 2 essais', 'Valider ou Corriger']);
  t.is(trimmed({ kind: 'pin-entry', digits: 0, triesLeft: 1 })[2], 'Code faux - 1 essai');
  t.deepEqual(trimmed({ kind: 'card-blocked' }), ['', 'Carte bloquee', '', 'Retirer la carte']);
  t.deepEqual(trimmed({ kind: 'battery-low', batteryPercent: 8 }), ['Batterie faible', 'Saisie impossible', 'Transfert possible', 'Batterie 8%']);
});

test('a menu shows three entries around the cursor', (t) => {
  const items = ['Un', 'Deux', 'Trois', 'Quatre', 'Cinq'];
  t.deepEqual(trimmed({ kind: 'menu', title: 'Menu', items, selected: 0 }), ['Menu', '>Un', 'Deux', 'Trois']);
  t.deepEqual(trimmed({ kind: 'menu', title: 'Menu', items, selected: 2 }), ['Menu', 'Deux', '>Trois', 'Quatre']);
  t.deepEqual(trimmed({ kind: 'menu', title: 'Menu', items, selected: 4 }), ['Menu', 'Trois', 'Quatre', '>Cinq']);
});

test('every example screen fits the display', (t) => {
  for (const view of Object.values(SCREEN_EXAMPLES)) for (const line of renderView(view)) t.regex(line, /^[\x20-\x7e]{20}$/, view.kind);
});

testProp(
  'situation and menu screens fit whatever the card or menu text',
  [fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 30 }), fc.nat(20), fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 8 })],
  (t, name, billing, n, items) => {
    const views: View[] = [
      { kind: 'situation-choice', position: n + 1, count: n + 1, structureName: name, billingNumber: billing, mayBill: n % 2 === 0, replaces: n % 3 === 0 ? name : undefined },
      { kind: 'menu', title: name, items, selected: n % items.length },
      { kind: 'pin-entry', digits: n % 9, triesLeft: n % 4 },
    ];
    for (const view of views) for (const line of renderView(view)) t.regex(line, /^[\x20-\x7e]{20}$/);
  },
);
