import test from 'ava';
import { fc, testProp } from '@fast-check/ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardGoneError, fromCard } from '../card/virtual-card.js';
import { pinCard, TEST_PIN, verify } from '../faults/test-support.js';
import { withFaults } from '../faults/with-faults.js';
import { virtualClock } from '../timing/clock.js';
import { withTiming } from '../timing/with-timing.js';
import { redactedHex } from './redact.js';
import { scanForSecrets } from './scan-secrets.js';
import { fileTraceSink, memoryTraceSink } from './sinks.js';
import { withTrace } from './with-trace.js';
import { toHex } from '../../protocol/index.js';

test('a trace records power, commands decoded, responses with their status word and time', async (t) => {
  const sink = memoryTraceSink();
  const clock = virtualClock(100);
  const card = withTrace(withTiming(fromCard(pinCard()), { baud: 9600, protocol: 'T=1', perCommand: { B0: 10 }, default: 1 }, clock), sink, clock);
  await card.powerOn();
  await card.transmit(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x10));
  await card.powerOff();
  const [on, cmd, resp, off] = sink.entries;
  t.like(on, { direction: 'event', event: 'power-on', atr: '3B00' });
  t.like(cmd, { direction: 'command', hex: '00B0000010', command: { cla: '00', ins: 'B0', p1: '00', p2: '00', name: 'READ BINARY', nc: 0, data: '', ne: 16 } });
  t.like(resp, { direction: 'response', sw: '9000', kind: 'normal' });
  t.is(resp?.direction === 'response' ? resp.hex.length : 0, 36);
  t.true(resp !== undefined && cmd !== undefined && resp.time > cmd.time && resp.direction === 'response' && resp.ms === resp.time - cmd.time);
  t.like(off, { direction: 'event', event: 'power-off' });
  t.is(sink.lines().length, 4);
  t.deepEqual(JSON.parse(sink.lines()[1]!), cmd);
});

test('a VERIFY body is redacted in the hex and the decoded data, the header and length stay', async (t) => {
  const sink = memoryTraceSink();
  const card = withTrace(fromCard(pinCard()), sink, virtualClock());
  await card.transmit(verify(TEST_PIN));
  t.like(sink.entries[0], { hex: '0020000104<redacted 4 bytes>', command: { ins: '20', name: 'VERIFY', nc: 4, data: '<redacted 4 bytes>' } });
  t.like(sink.entries[1], { sw: '9000' });
});

test('redactedHex keeps Le and hides extended and malformed bodies too', (t) => {
  t.is(redactedHex(Uint8Array.of(0x00, 0x24, 0x00, 0x01, 0x02, 0xaa, 0xbb, 0x00)), '0024000102<redacted 2 bytes>00');
  t.is(redactedHex(Uint8Array.of(0x00, 0x2c, 0x00, 0x01, 0x00, 0x00, 0x02, 0xaa, 0xbb)), '002C0001000002<redacted 2 bytes>');
  t.is(redactedHex(Uint8Array.of(0x80, 0x21, 0x00, 0x01, 0x09, 0xaa, 0xbb)), '8021000109<redacted 2 bytes>', 'Lc lies: hide everything after it');
  t.is(redactedHex(Uint8Array.of(0x00, 0x20, 0x00, 0x01)), '00200001', 'nothing to hide');
  t.is(redactedHex(Uint8Array.of(0x00, 0xa4, 0x00, 0x0c, 0x02, 0x3f, 0x00)), '00A4000C023F00', 'other commands stay whole');
});

const secretIns = fc.constantFrom(0x20, 0x21, 0x24, 0x2c);
const pinBytes = fc.oneof(
  fc.array(fc.integer({ min: 0x30, max: 0x39 }), { minLength: 4, maxLength: 16 }),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 16 }),
).map((a) => Uint8Array.from(a));

async function traceOf(command: Uint8Array): Promise<string> {
  const sink = memoryTraceSink();
  const card = withTrace(fromCard(pinCard()), sink, virtualClock());
  await card.transmit(command);
  return sink.lines().join('\n');
}

testProp('the trace of a VERIFY / 24 / 2C never shows the secret, in hex or as text', [fc.integer({ min: 0, max: 255 }), secretIns, pinBytes], async (t, cla, ins, pin) => {
  const command = Uint8Array.of(cla, ins, 0x00, 0x81, pin.length, ...pin);
  const text = await traceOf(command);
  t.deepEqual(scanForSecrets([text], [{ label: 'pin', value: pin }]), []);
  t.false(text.includes(toHex(pin)));
});

testProp('a secret-bearing command traces the same whatever its body (nothing depends on the secret)', [secretIns, pinBytes, pinBytes], async (t, ins, a, b) => {
  const fitted = b.length === a.length ? b : Uint8Array.from({ length: a.length }, (_, i) => b[i % b.length]!);
  const trace = (pin: Uint8Array) => traceOf(Uint8Array.of(0x00, ins, 0x00, 0x81, pin.length, ...pin, 0x00));
  t.is(await trace(a), await trace(fitted));
});

test('a failed call is traced by name and code, and rethrown', async (t) => {
  const sink = memoryTraceSink();
  const clock = virtualClock();
  const card = withTrace(withFaults(fromCard(pinCard()), { faults: [{ trigger: {}, action: { kind: 'remove' } }] }, { clock }), sink, clock);
  await t.throwsAsync(card.transmit(verify(TEST_PIN)), { instanceOf: CardGoneError });
  t.deepEqual(sink.entries.map((e) => e.direction === 'event' ? e.event : e.direction), ['command', 'removed', 'error']);
  t.like(sink.entries[2], { call: 'transmit', error: 'CardGoneError', code: 'removed' });
  card.insert();
  t.like(sink.entries[3], { direction: 'event', event: 'inserted' }, 'the fault decorator\'s members stay reachable through the trace');
});

test('the file sink appends JSON lines', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'bifente-trace-')), 'trace.jsonl');
  for (let run = 0; run < 2; run++) {
    const sink = fileTraceSink(path);
    const card = withTrace(fromCard(pinCard()), sink, virtualClock());
    await card.transmit(verify(TEST_PIN));
    await sink.close();
  }
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  t.is(lines.length, 4);
  t.like(JSON.parse(lines[2]!), { direction: 'command', hex: '0020000104<redacted 4 bytes>' });
  t.deepEqual(scanForSecrets([{ name: path, text: readFileSync(path, 'utf8') }], [{ label: 'test PIN', value: '1234' }]), []);
});

test('the file sink reports a write error on close', async (t) => {
  const sink = fileTraceSink(join(tmpdir(), 'no-such-dir-bifente', 'x', 'trace.jsonl'));
  sink.write({ time: 0, direction: 'event', event: 'power-off' });
  await t.throwsAsync(sink.close(), { message: /cannot write the trace/ });
});
