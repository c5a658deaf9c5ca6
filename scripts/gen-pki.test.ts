import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKI_DIR } from '../emulator/index.js';
import { pkcs8Pem, seededKeyPair } from './gen-pki.js';

test('key generation is deterministic: the CA key drawn again equals the committed one', (t) => {
  const committed = readFileSync(join(PKI_DIR, 'ca', 'ca.key.pem'), 'utf8');
  t.is(pkcs8Pem(seededKeyPair('ca').privateKey), committed);
});
