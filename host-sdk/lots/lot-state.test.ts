import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { LOT_STATES, LOT_TRANSITIONS, nextLotState, type LotState, type LotStateChange } from './lot-state.js';

const change = (to: LotState): LotStateChange => (to === 'arl-negative' ? { to, reason: 'R01 lot mal forme' } : { to });

test('the happy path: signed on the terminal, sent, ARL positive, paid', (t) => {
  let state: LotState | null = null;
  for (const to of ['signed', 'sent', 'arl-positive', 'paid'] as const) {
    const next = nextLotState(state, { to });
    t.true(next.ok, `${state} → ${to}`);
    if (next.ok) state = next.state;
  }
  t.is(state, 'paid');
});

test('a lot built on the host is signed before it is sent; a negative ARL keeps its reason and is final', (t) => {
  t.like(nextLotState(null, { to: 'built' }), { ok: true, state: 'built' });
  t.like(nextLotState('built', { to: 'signed' }), { ok: true, state: 'signed' });
  t.like(nextLotState('built', { to: 'sent' }), { ok: false, reason: 'illegal-transition' });
  t.deepEqual(nextLotState('sent', { to: 'arl-negative', reason: 'R12 signature' }), { ok: true, state: 'arl-negative', reason: 'R12 signature' });
  t.like(nextLotState('sent', { to: 'arl-negative', reason: '  ' }), { ok: false, reason: 'missing-reason' });
  for (const to of LOT_STATES) t.like(nextLotState('arl-negative', change(to)), { ok: false, reason: 'illegal-transition' });
  for (const to of LOT_STATES) t.like(nextLotState('paid', change(to)), { ok: false, reason: 'illegal-transition' });
});

test('illegal moves named: skipping the ARL, going back, paying a rejected lot', (t) => {
  t.like(nextLotState('signed', { to: 'paid' }), { ok: false, reason: 'illegal-transition' });
  t.like(nextLotState('sent', { to: 'signed' }), { ok: false, reason: 'illegal-transition' });
  t.like(nextLotState('arl-negative', { to: 'paid' }), { ok: false, reason: 'illegal-transition' });
  t.like(nextLotState(null, { to: 'sent' }), { ok: false, reason: 'illegal-transition' });
  const refused = nextLotState('arl-positive', { to: 'sent' });
  t.false(refused.ok);
  if (!refused.ok) t.regex(refused.message, /arl-positive cannot become sent \(allowed: paid\)/);
});

testProp('exactly the listed transitions are allowed; no state is re-entered', [fc.constantFrom<LotState | null>(null, ...LOT_STATES), fc.constantFrom(...LOT_STATES)], (t, from, to) => {
  const result = nextLotState(from, change(to));
  t.is(result.ok, LOT_TRANSITIONS.get(from)!.includes(to));
  if (from === to) t.false(result.ok);
});

testProp('every walk of accepted changes follows the order of a lot\'s life', [fc.array(fc.constantFrom(...LOT_STATES), { maxLength: 12 })], (t, tries) => {
  let state: LotState | null = null;
  for (const to of tries) {
    const next = nextLotState(state, change(to));
    if (!next.ok) continue;
    t.true(state === null || LOT_STATES.indexOf(next.state) > LOT_STATES.indexOf(state), `${state} → ${next.state}`);
    state = next.state;
  }
  t.true(state === null || LOT_STATES.includes(state));
});
