/**
 * Teleservice load figures (issue 7): rights lookups driven by autocannon
 * from a SECOND process (`teleservice-load-client.mjs`, forked once, IPC)
 * against the teleservice on loopback, next to the same load against a
 * bare fastify route in the same run (the ratio survives noise; the figures
 * and latencies are autocannon's own; the client lives in `bench/`), and lot uploads with full checks
 * (signature, chain, CRL, B2 match, numbering, SQLite transaction) sent one
 * at a time over loopback from this process.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bearer, lotBody, startTeleservice, testLot, type Running } from './test-support.js';
import type { BenchCase, BenchRatio, SelfMeasured } from '../../bench/run.js';

const CONNECTIONS = 16;
/** Seconds of load per case, after a one-second warm-up run. */
const DURATION_S = 5;
const QUERY = JSON.stringify({ nir: '290059934104582', birthDate: '1990-05-05', birthRank: 1 });

type LoadResult = { requests: number; errors: number; non2xx: number; rps: number; p50Ms: number; p99Ms: number; error?: string };

let client: ChildProcess | undefined;
let running: Running | undefined;
let bare: { url: string; close: () => Promise<void> } | undefined;
let rightsHeaders: Record<string, string> = {};

function startClient(): void {
  client = fork(fileURLToPath(new URL('../../bench/teleservice-load-client.mjs', import.meta.url)), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
function stopClient(): void {
  client?.disconnect();
  client = undefined;
}

function load(name: string, url: string, headers: Record<string, string>, duration: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    client!.once('message', (r: LoadResult) => {
      if (r.error !== undefined || r.errors > 0 || r.non2xx > 0) return reject(new Error(`${name}: ${JSON.stringify(r)}`));
      resolve(r);
    });
    client!.send({ url, method: 'POST', headers, body: QUERY, duration, connections: CONNECTIONS });
  });
}

/**
 * autocannon measures itself (bench/run.ts `measure`): a warm-up second,
 * then {@link DURATION_S} seconds whose rate is requests / measured
 * duration and whose latencies are autocannon's own.
 */
async function measureLoad(name: string, url: string, headers: Record<string, string>): Promise<SelfMeasured> {
  await load(name, url, headers, 1);
  const r = await load(name, url, headers, DURATION_S);
  return { value: r.rps, samples: r.requests, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
}

const RIGHTS = 'teleservice load: rights lookups, autocannon in a second process (16 connections)';
const HELLO = 'teleservice load: bare fastify POST route, same autocannon load';
const LOTS = 'teleservice load: lot uploads of 3 FSEs with signature checks (sequential, loopback)';

/** Lots numbered 1-999 then 1-… again with another creation time (wrap), built before the measurement. */
const POOL = 1600;
let lots: { b2: string; signedLot: string }[] = [];
let next = 0;
let lotHeaders: Record<string, string> = {};

export const benches: BenchCase[] = [
  {
    name: RIGHTS,
    unit: 'ops/s',
    opsPerCall: 1,
    target: 2000,
    setup: async () => {
      running = await startTeleservice({ database: ':memory:' });
      rightsHeaders = { ...(await bearer(running)), 'content-type': 'application/json' };
      startClient();
    },
    teardown: async () => {
      stopClient();
      await running?.stop();
    },
    measure: () => measureLoad(RIGHTS, `${running!.url}/v1/rights`, rightsHeaders),
  },
  {
    name: HELLO,
    unit: 'ops/s',
    opsPerCall: 1,
    setup: async () => {
      const { default: fastify } = await import('fastify');
      const app = fastify();
      app.post('/hello', async () => ({ hello: 'world' }));
      bare = { url: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
      startClient();
    },
    teardown: async () => {
      stopClient();
      await bare?.close();
    },
    measure: () => measureLoad(HELLO, `${bare!.url}/hello`, { 'content-type': 'application/json' }),
  },
  {
    name: LOTS,
    unit: 'ops/s',
    opsPerCall: 1,
    target: 300,
    setup: async () => {
      lots = Array.from({ length: POOL }, (_, i) => lotBody(testLot({ lotNumber: (i % 999) + 1, invoices: [1, 2, 3].map((k) => 3 * i + k), createdAt: i < 999 ? '2026-11-23T12:30:00+01:00' : '2026-11-23T12:31:00+01:00' })));
      next = 0;
      running = await startTeleservice({ database: ':memory:', tokenLifetimeMs: 3_600_000 });
      lotHeaders = { ...(await bearer(running, 'dr-moreau')), 'content-type': 'application/json' };
    },
    teardown: async () => running?.stop(),
    fn: async () => {
      const body = lots[next++];
      if (body === undefined) throw new Error(`the pool of ${POOL} lots is used up: enlarge POOL`);
      const answer = await fetch(`${running!.url}/v1/lots`, { method: 'POST', headers: lotHeaders, body: JSON.stringify(body) });
      if (answer.status !== 201) throw new Error(`upload answered ${answer.status}: ${await answer.text()}`);
      await answer.arrayBuffer();
    },
  },
];

export const ratios: BenchRatio[] = [{ name: 'teleservice rights under autocannon / bare fastify route', numerator: RIGHTS, denominator: HELLO }];
