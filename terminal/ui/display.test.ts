// The 4 × 20 display model: vectors and properties (hostile text included).
import { fc, testProp } from '@fast-check/ava';
import test from 'ava';
import { DISPLAY_COLUMNS, displayText, fitLine, render } from './display.js';

const FIT: readonly (readonly [string, 'centre' | 'left' | 'right', string])[] = [
  ['Inserer carte CPS', 'centre', ' Inserer carte CPS  '],
  ['Code porteur :', 'left', 'Code porteur :      '],
  ['Batterie 80%', 'right', '        Batterie 80%'],
  ['Carte bloquée', 'centre', '   Carte bloquee    '],
  ['CABINET MEDICAL DU MONT-BLANC', 'left', 'CABINET MEDICAL DU M'],
  ['', 'centre', '                    '],
  ['Cœur ❤ Ærø 😀', 'left', 'Coeur ? AEro ?      '],
];

test('fitLine: fold, cut at 20, align', (t) => {
  for (const [text, align, line] of FIT) t.is(fitLine(text, align), line, text);
});

test('displayText folds accents the way the ROM shows them', (t) => {
  t.is(displayText('Échec à l\'écriture, réessayez'), "Echec a l'ecriture, reessayez");
  t.is(displayText('tab\there'), 'tab?here');
});

test('render: four lines, blanks below, more than four is a programmer error', (t) => {
  t.deepEqual(render(['', 'Carte muette']), ['                    ', '    Carte muette    ', '                    ', '                    ']);
  t.throws(() => render(['1', '2', '3', '4', '5']), { instanceOf: RangeError });
});

const anyLine = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

testProp('every screen renders as exactly 4 × 20 printable ASCII', [fc.array(fc.oneof(anyLine, fc.record({ text: anyLine, align: fc.constantFrom('centre', 'left', 'right') as fc.Arbitrary<'centre' | 'left' | 'right'> })), { maxLength: 4 })], (t, screen) => {
  const lines = render(screen);
  t.is(lines.length, 4);
  for (const line of lines) t.regex(line, /^[\x20-\x7e]{20}$/);
});

testProp('a short ASCII line is centred: same text, margins differ by at most one', [fc.stringMatching(/^[A-Za-z0-9][ -~]{0,18}[A-Za-z0-9]$/)], (t, text) => {
  const line = fitLine(text);
  const left = line.length - line.trimStart().length;
  const right = line.length - line.trimEnd().length;
  t.is(line.trim(), text);
  t.true(right - left === 0 || right - left === 1);
});

testProp('a long line keeps its first 20 characters', [fc.stringMatching(/^[ -~]{21,60}$/)], (t, text) => {
  t.is(fitLine(text, 'left'), text.slice(0, DISPLAY_COLUMNS));
});
