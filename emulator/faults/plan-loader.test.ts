import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFaultPlan, FaultPlanError, loadFaultPlan } from './plan-loader.js';

const PLANS = fileURLToPath(new URL('../../test-vectors/faults/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'bifente-plan-'));

test('every shipped plan loads', async (t) => {
  const files = readdirSync(PLANS).filter((f) => f.endsWith('.json'));
  t.true(files.length >= 7);
  for (const file of files) {
    const plan = await loadFaultPlan(join(PLANS, file));
    t.true(plan.faults.length > 0, file);
  }
});

test('a plan that breaks the schema is refused with the JSON pointer, without quoting the value', (t) => {
  const secretish = '00 20 00 01 04 31 32 33 34 ZZ';
  const error = t.throws(() => checkFaultPlan({ faults: [{ trigger: { prefix: secretish }, action: { kind: 'mute' } }] }), { instanceOf: FaultPlanError });
  t.is(error.code, 'schema');
  t.is(error.path, '/faults/0/trigger/prefix');
  t.false(error.message.includes('31 32 33 34'));
  t.like(t.throws(() => checkFaultPlan({ faults: [{ trigger: {}, action: { kind: 'explode' } }] }), { instanceOf: FaultPlanError }), { path: '/faults/0/action/kind' });
  t.like(t.throws(() => checkFaultPlan({ faults: [], extra: 1 }), { instanceOf: FaultPlanError }), { path: '' });
});

test('an unreadable file and a file that is not JSON get their own codes', async (t) => {
  const missing = await t.throwsAsync(loadFaultPlan(join(scratch, 'missing.json')), { instanceOf: FaultPlanError });
  t.is(missing.code, 'unreadable');
  const path = join(scratch, 'bad.json');
  writeFileSync(path, '{ "faults": [ 1234');
  const bad = await t.throwsAsync(loadFaultPlan(path), { instanceOf: FaultPlanError });
  t.is(bad.code, 'bad-json');
  t.is(bad.cause, undefined, 'the parser message quotes the text: not kept');
});
