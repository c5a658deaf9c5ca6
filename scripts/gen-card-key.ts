/**
 * Generates the RSA-2048 test key of the generic card once:
 * `npx tsx scripts/gen-card-key.ts [--force]` writes
 * `test-vectors/cards/keys/generic-key.pem` (PKCS#8). The key is test
 * material, committed; rerunning without --force keeps the existing key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const target = join(fileURLToPath(new URL('..', import.meta.url)), 'test-vectors', 'cards', 'keys', 'generic-key.pem');
if (existsSync(target) && !process.argv.includes('--force')) {
  console.log(`${target} exists; pass --force to replace it`);
} else {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  console.log(`wrote ${target}`);
}
