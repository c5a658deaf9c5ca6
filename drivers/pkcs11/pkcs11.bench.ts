/**
 * PKCS#11 signatures a second with SoftHSM2 (issue 5 "Performance"):
 * RSA-2048 SHA256-RSA-PKCS through the driver (C_SignInit + C_Sign on the
 * thread pool), on a temporary token set up by scripts/softhsm/init-token.ts.
 * DOMAIN.md measured about 1,070 a second with bare pkcs11js here.
 */
import { rmSync } from 'node:fs';
import type { BenchCase } from '../../bench/run.js';
import { openPkcs11, type Pkcs11Key, type Pkcs11Module, type Pkcs11Session } from './index.js';
import { initTestToken, missingSoftHsm, SOFTHSM_MODULE, TEST_PIN } from './test-support.js';

const message = new TextEncoder().encode('bifente: lot 001 of the host, signed by the practice PC');
let dir: string | undefined;
let module: Pkcs11Module | undefined;
let session: Pkcs11Session | undefined;
let key: Pkcs11Key | undefined;

export const benches: BenchCase[] = [
  {
    name: 'PKCS#11 SoftHSM2 RSA-2048 SHA256-RSA-PKCS signature',
    unit: 'ops/s',
    opsPerCall: 1,
    skip: () => {
      const missing = missingSoftHsm();
      return missing.length === 0 ? undefined : `needs ${missing.join(', ')}`;
    },
    setup: async () => {
      const token = await initTestToken();
      dir = token.dir;
      module = await openPkcs11(SOFTHSM_MODULE);
      const slot = (await module.tokens()).find((t) => t.label === token.label);
      if (slot === undefined) throw new Error(`no token ${token.label}`);
      session = await module.openSession(slot.slotId);
      await session.login(TEST_PIN);
      [key] = await session.findKeys({ class: 'private', id: Uint8Array.of(2) });
      if (key === undefined) throw new Error('no key 02');
    },
    async fn() {
      if (session === undefined || key === undefined) throw new Error('setup did not run');
      await session.sign(key, 'SHA256-RSA-PKCS', message);
    },
    teardown: async () => {
      await module?.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  },
];
