/**
 * Teleservice figures in one process over real loopback HTTP (Node's
 * fetch as the client, 16 requests in flight): rights lookups a second
 * next to a bare fastify route answering the same client, and CPS
 * authentications (challenge + token: RSA verify, chain, CRL, SQLite) a
 * second. The issue's load test from a second process (autocannon, p99)
 * is wave 2's.
 * @module
 */
import type { BenchCase, BenchRatio } from '../../bench/run.js';
import { bearer, login, startTeleservice, type Running } from './test-support.js';

const IN_FLIGHT = 16;
const QUERY = JSON.stringify({ nir: '290059934104582', birthDate: '1990-05-05', birthRank: 1 });

let running: Running | undefined;
let headers: Record<string, string> = {};
let bare: { url: string; close: () => Promise<void> } | undefined;

async function batch(request: () => Promise<Response>): Promise<void> {
  const answers = await Promise.all(Array.from({ length: IN_FLIGHT }, request));
  for (const a of answers) {
    if (a.status !== 200) throw new Error(`status ${a.status}`);
    await a.arrayBuffer();
  }
}

const RIGHTS = 'teleservice: rights lookups over loopback (fetch, 16 in flight)';
const HELLO = 'teleservice: bare fastify POST route over loopback (same client)';

export const benches: BenchCase[] = [
  {
    name: RIGHTS,
    unit: 'ops/s',
    opsPerCall: IN_FLIGHT,
    setup: async () => {
      running = await startTeleservice({ database: ':memory:' });
      headers = { ...(await bearer(running)), 'content-type': 'application/json' };
    },
    teardown: async () => running?.stop(),
    fn: () => batch(() => fetch(`${running!.url}/v1/rights`, { method: 'POST', headers, body: QUERY })),
  },
  {
    name: HELLO,
    unit: 'ops/s',
    opsPerCall: IN_FLIGHT,
    setup: async () => {
      const { default: fastify } = await import('fastify');
      const app = fastify();
      app.post('/hello', async () => ({ hello: 'world' }));
      bare = { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
    },
    teardown: async () => bare?.close(),
    fn: () => batch(() => fetch(`${bare!.url}/hello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY })),
  },
  {
    name: 'teleservice: CPS authentications (challenge + signed token, checks and SQLite)',
    unit: 'ops/s',
    opsPerCall: 1,
    setup: async () => {
      running = await startTeleservice({ database: ':memory:' });
    },
    teardown: async () => running?.stop(),
    fn: async () => {
      if ((await login(running!, 'dr-benali')).status !== 200) throw new Error('login failed');
    },
  },
];

export const ratios: BenchRatio[] = [{ name: 'teleservice rights lookup / bare fastify route', numerator: RIGHTS, denominator: HELLO }];
