import test from 'ava';
import { scanForSecrets } from './scan-secrets.js';

const pin = { label: 'dr-martin PIN', value: '1234' };
const puk = { label: 'dr-martin unblocking code', value: Uint8Array.of(0x87, 0x65, 0x43, 0x21) };

test('finds a PIN as text, as hex of its ASCII (either case, padded or spaced), and raw bytes as hex', (t) => {
  const findings = scanForSecrets(
    [
      { name: 'log', text: 'wrong PIN 1234 entered' },
      { name: 'trace', text: '{"hex":"002000010831323334FFFFFFFF"}' },
      { name: 'dump', text: 'data 31 32 33 34 / 87:65:43:21 / 8765432100' },
    ],
    [pin, puk],
  );
  t.deepEqual(
    findings.map((f) => [f.text, f.secret, f.form]),
    [
      ['log', 'dr-martin PIN', 'text'],
      ['trace', 'dr-martin PIN', 'hex'],
      ['dump', 'dr-martin PIN', 'spaced-hex'],
      ['dump', 'dr-martin unblocking code', 'hex'],
      ['dump', 'dr-martin unblocking code', 'spaced-hex'],
    ],
  );
  t.false(JSON.stringify(findings).includes('1234'), 'a finding never quotes the secret');
});

test('a PIN inside a longer number or hex run is not a finding', (t) => {
  t.deepEqual(scanForSecrets(['time 1712345678', '00A4041234AB', 'x12345'], [pin]), []);
});

test('a clean text has no findings, and a too short secret is refused', (t) => {
  t.deepEqual(scanForSecrets(['{"hex":"0020000104<redacted 4 bytes>"}'], [pin, puk]), []);
  t.throws(() => scanForSecrets([''], [{ label: 'x', value: '1' }]), { instanceOf: RangeError });
});
