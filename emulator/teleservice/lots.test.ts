// Lot reception over real loopback HTTP (README "Lot reception"): receipts,
// ARLs after the delay with the exact reason codes, idempotency, numbering,
// 4xx that store nothing, and the NOEMIE-like returns; every answer is
// checked against the served OpenAPI document.
import test from 'ava';
import { fc } from '@fast-check/ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeB2File, parseArl, parseB2File, parseNoemieReturn } from '../../protocol/index.js';
import { loadDoctors, PKI_DIR } from '../personas/index.js';
import { DEFAULT_ARL_DELAY_MS, DEFAULT_RETURN_DELAY_MS } from './lot-reception.js';
import { b64, bearer, lotBody, startTeleservice, testLot, type Running } from './test-support.js';

type Receipt = { receiptId: string; lotNumber: number; partner: string; invoiceCount: number; arlAvailableAt: string };
type ArlBody = { status: string; reason?: string; label?: string; invoiceNumber?: number; arl: string; partner: string; lotNumber: number; message?: string };

async function start(t: { teardown(fn: () => Promise<void>): void }): Promise<Running> {
  const running = await startTeleservice();
  t.teardown(running.stop);
  return running;
}

/** Send a lot, let the ARL delay pass, read the ARL. */
async function arlOf(running: Running, headers: Record<string, string>, body: { b2: string; signedLot: string }): Promise<{ receipt: Receipt; arl: ArlBody; status: number }> {
  const sent = await running.call('POST', '/v1/lots', body, headers);
  if (sent.status !== 201 && sent.status !== 200) throw new Error(`upload answered ${sent.status}: ${JSON.stringify(sent.body)}`);
  const receipt = sent.body as Receipt;
  running.clock.advance(DEFAULT_ARL_DELAY_MS);
  const arl = await running.call('GET', `/v1/lots/${receipt.receiptId}/arl`, undefined, headers);
  return { receipt, arl: arl.body as ArlBody, status: sent.status };
}

test('a good lot: 201 receipt, ARL pending (202) until the delay, then positive; the record decodes to the same fields', async (t) => {
  const running = await start(t);
  const headers = await bearer(running, 'dr-moreau');
  const lot = testLot();
  const sent = await running.call('POST', '/v1/lots', lotBody(lot), headers);
  t.is(sent.status, 201);
  const receipt = sent.body as Receipt & { totalCents: number };
  t.like(receipt, { partner: '741000038', lotNumber: 1, invoiceCount: 2, totalCents: lot.signed.lot.totals.totalCents });
  const path = `/v1/lots/${receipt.receiptId}/arl`;
  running.clock.advance(DEFAULT_ARL_DELAY_MS - 1);
  t.like(await running.call('GET', path, undefined, headers), { status: 202, body: { status: 'pending', availableAt: receipt.arlAvailableAt } });
  running.clock.advance(1);
  const arl = await running.call('GET', path, undefined, headers);
  t.is(arl.status, 200);
  const body = arl.body as ArlBody;
  t.is(body.status, 'positive');
  t.is(body.reason, undefined);
  const record = parseArl(new Uint8Array(Buffer.from(body.arl, 'base64url')));
  t.like(record, { ok: true, value: { status: 'positive', partner: '741000038', lotNumber: 1, destination: '751', receivedOn: '261123' } });
});

test('the replaced doctor may send their substitute\'s lot; another doctor gets 403 and nothing is stored', async (t) => {
  const running = await start(t);
  const lot = testLot();
  const refused = await running.call('POST', '/v1/lots', lotBody(lot), await bearer(running, 'dr-benali'));
  t.like(refused, { status: 403, body: { error: { code: 'not-your-lot' } } });
  t.is(running.service.store.counts().lot_reception, 0);
  const { arl } = await arlOf(running, await bearer(running, 'dr-rousseau'), lotBody(lot));
  t.is(arl.status, 'positive');
});

test('a tampered signature: negative ARL L0002', async (t) => {
  const running = await start(t);
  const lot = testLot();
  const signedLot = lot.signedLot.slice();
  // The signature sits just before the certificate at the end of the envelope: flip a byte well inside it.
  const at = signedLot.length - lot.signed.cps.certificate.length - 40;
  signedLot[at] = signedLot[at]! ^ 0x01;
  const { arl } = await arlOf(running, await bearer(running, 'dr-moreau'), lotBody({ b2: lot.b2, signedLot }));
  t.like(arl, { status: 'negative', reason: 'L0002', label: 'Signature du lot invalide' });
});

test('a lot signed with a revoked CPS (dr-garnier\'s signature certificate, serial 100005 in the CRL): negative ARL L0003', async (t) => {
  // The CRL revokes both of dr-garnier's certificates, so with it he cannot log in; revoking only the signature one lets him send.
  const running = await startTeleservice({ trust: { ca: readFileSync(join(PKI_DIR, 'ca/ca.cert.pem'), 'utf8'), revokedSerials: ['100005'] } });
  t.teardown(running.stop);
  const { arl } = await arlOf(running, await bearer(running, 'dr-garnier'), lotBody(testLot({ signer: 'dr-garnier' })));
  t.like(arl, { status: 'negative', reason: 'L0003', partner: '331000307' });
  t.regex(arl.message ?? '', /revoked/);
});

test('a B2 file that does not carry its lot: negative ARL L0004 naming the invoice', async (t) => {
  const running = await start(t);
  const lot = testLot();
  const file = parseB2File(lot.b2);
  if (!file.ok) return t.fail(file.error.message);
  const b2Lot = file.value.lots[0]!;
  const changed = { ...file.value, lots: [{ ...b2Lot, invoices: [b2Lot.invoices[0]!, { ...b2Lot.invoices[1]!, amoCents: b2Lot.invoices[1]!.amoCents - 100 }] }] };
  const { arl } = await arlOf(running, await bearer(running, 'dr-moreau'), lotBody({ b2: encodeB2File(changed), signedLot: lot.signedLot }));
  t.like(arl, { status: 'negative', reason: 'L0004', invoiceNumber: 2 });
  t.regex(arl.message ?? '', /^lots\/0\/invoices\/1\/amoCents/);
});

test('numbering: another content under a received number is L0005; a gap is L0007 until the missing lot arrives, then the same lot is a new reception', async (t) => {
  const running = await startTeleservice({ tokenLifetimeMs: 3_600_000 });
  t.teardown(running.stop);
  const headers = await bearer(running, 'dr-moreau');
  t.is((await arlOf(running, headers, lotBody(testLot({ lotNumber: 1 })))).arl.status, 'positive');
  t.like((await arlOf(running, headers, lotBody(testLot({ lotNumber: 1, invoices: [3, 4] })))).arl, { status: 'negative', reason: 'L0005' });
  const third = lotBody(testLot({ lotNumber: 3, invoices: [7] }));
  const gap = await arlOf(running, headers, third);
  t.like(gap.arl, { status: 'negative', reason: 'L0007' });
  t.regex(gap.arl.message ?? '', /002 is expected/);
  t.is((await arlOf(running, headers, lotBody(testLot({ lotNumber: 2, invoices: [5, 6] })))).arl.status, 'positive');
  const again = await arlOf(running, headers, third);
  t.is(again.status, 201);
  t.not(again.receipt.receiptId, gap.receipt.receiptId);
  t.is(again.arl.status, 'positive');
});

test('the same signed lot twice: 200 with the same receipt, one reception, one return', async (t) => {
  const running = await start(t);
  const headers = await bearer(running, 'dr-moreau');
  const body = lotBody(testLot());
  const first = await running.call('POST', '/v1/lots', body, headers);
  running.clock.advance(5_000);
  const second = await running.call('POST', '/v1/lots', body, headers);
  t.is(first.status, 201);
  t.is(second.status, 200);
  t.deepEqual(second.body, first.body);
  t.like(running.service.store.counts(), { lot_reception: 1, lot_return: 1, lot_sequence: 1 });
});

test('malformed uploads are 4xx with the one error shape and store nothing', async (t) => {
  const running = await start(t);
  const headers = await bearer(running, 'dr-moreau');
  const good = lotBody(testLot());
  const cases: [unknown, Record<string, string>, number, string][] = [
    [good, {}, 401, 'missing-token'],
    [{ ...good, b2: 'not base64!' }, headers, 400, 'invalid-request'],
    [{ b2: good.b2 }, headers, 400, 'invalid-request'],
    [{ ...good, extra: 1 }, headers, 400, 'invalid-request'],
    [{ ...good, b2: b64(new TextEncoder().encode('000 not a B2 file')) }, headers, 422, 'unreadable-b2'],
    [{ ...good, signedLot: b64(new Uint8Array([0xe4, 0x03, 1, 2, 3])) }, headers, 422, 'unreadable-lot'],
  ];
  for (const [body, h, status, code] of cases) {
    t.like(await running.call('POST', '/v1/lots', body, h), { status, body: { error: { code } } }, code);
  }
  t.like(running.service.store.counts(), { lot_reception: 0, lot_sequence: 0, lot_return: 0 });
});

test('hostile bytes in either field: never a 5xx, always a refusal, nothing stored', async (t) => {
  const running = await start(t);
  const headers = await bearer(running, 'dr-moreau');
  const lot = testLot();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), async (bytes, inB2) => {
      const body = lotBody(inB2 ? { b2: bytes, signedLot: lot.signedLot } : { b2: lot.b2, signedLot: bytes });
      if (body.b2 === '' || body.signedLot === '') return;
      const answer = await running.call('POST', '/v1/lots', body, headers);
      t.true(answer.status >= 400 && answer.status < 500, `status ${answer.status}`);
    }),
    { numRuns: 60, seed: 7 },
  );
  t.is(running.service.store.counts().lot_reception, 0);
});

test('the lot route takes bodies up to lotBodyLimit, other routes keep bodyLimit', async (t) => {
  const running = await startTeleservice({ lotBodyLimit: 200_000 });
  t.teardown(running.stop);
  const headers = await bearer(running, 'dr-moreau');
  const big = b64(new Uint8Array(100_000).fill(0x41));
  t.like(await running.call('POST', '/v1/lots', { b2: big, signedLot: big.slice(0, 8) }, headers), { status: 422, body: { error: { code: 'unreadable-b2' } } });
  t.like(await running.call('POST', '/v1/lots', { b2: `${big}${big}`, signedLot: 'AAAA' }, headers), { status: 413, body: { error: { code: 'body-too-large' } } });
  t.like(await running.call('POST', '/v1/rights', { nir: big }, headers), { status: 413 });
});

test('an ARL is only for the professionals who may send the lot: others get 404 unknown-receipt', async (t) => {
  const running = await start(t);
  const { receipt } = await arlOf(running, await bearer(running, 'dr-moreau'), lotBody(testLot()));
  const other = await bearer(running, 'dr-benali');
  t.like(await running.call('GET', `/v1/lots/${receipt.receiptId}/arl`, undefined, other), { status: 404, body: { error: { code: 'unknown-receipt' } } });
  t.like(await running.call('GET', '/v1/lots/nothing-here/arl', undefined, other), { status: 404, body: { error: { code: 'unknown-receipt' } } });
  t.like(await running.call('GET', `/v1/lots/${receipt.receiptId}/arl`, undefined, await bearer(running, 'dr-rousseau')), { status: 200, body: { status: 'positive' } });
});

test('returns after their delay: AMO parts paid, closed rights rejected F0011, the NOEMIE-like bytes agree, the cursor moves', async (t) => {
  const running = await start(t);
  const headers = await bearer(running, 'dr-moreau');
  const lot = testLot({ invoices: [10, 11], rightsClosed: [11] });
  await running.call('POST', '/v1/lots', lotBody(lot), headers);
  await running.call('POST', '/v1/lots', lotBody(testLot({ lotNumber: 1, invoices: [12] })), headers); // L0005: no return
  running.clock.advance(DEFAULT_RETURN_DELAY_MS - 1);
  const early = await running.call('GET', '/v1/returns', undefined, await bearer(running, 'dr-moreau'));
  t.deepEqual(early.body, { returns: [], next: 0 });
  running.clock.advance(1);
  const fresh = await bearer(running, 'dr-moreau');
  const answer = await running.call('GET', '/v1/returns?since=0', undefined, fresh);
  t.is(answer.status, 200);
  const { returns, next } = answer.body as { returns: { noemie: string; invoices: unknown[]; lotNumber: number }[]; next: number };
  t.is(returns.length, 1);
  const amo = lot.signed.lot.fses[0]!.amoCents;
  t.deepEqual(returns[0]!.invoices, [
    { invoiceNumber: 10, status: 'paid', paidOn: '261124', amoCents: amo, rejections: [], warnings: [] },
    { invoiceNumber: 11, status: 'rejected', rejections: [{ code: 'F0011', line: 0, label: 'Droits fermés à la date des soins' }], warnings: [] },
  ]);
  const noemie = parseNoemieReturn(new Uint8Array(Buffer.from(returns[0]!.noemie, 'base64url')));
  t.like(noemie, { ok: true, value: { emitter: '751', recipient: '741000038', lots: [{ lotNumber: 1, invoices: [{ invoiceNumber: 10, payment: { amoCents: amo } }, { invoiceNumber: 11 }] }] } });
  t.deepEqual((await running.call('GET', `/v1/returns?since=${next}`, undefined, fresh)).body, { returns: [], next });
  t.like(await running.call('GET', '/v1/returns', undefined, headers), { status: 401, body: { error: { code: 'expired-token' } } });
  t.like(await running.call('GET', '/v1/returns?since=-1', undefined, fresh), { status: 400, body: { error: { code: 'invalid-request' } } });
});

test('configurable return rules: a warning keeps the payment, a rejection stops it', async (t) => {
  const running = await startTeleservice({ returnDelayMs: 0, returnRules: [{ when: 'ald', notice: 'warning', code: 'W0003' }, { when: 'rights-closed', notice: 'rejection', code: 'F0011' }] });
  t.teardown(running.stop);
  const headers = await bearer(running, 'dr-moreau');
  await running.call('POST', '/v1/lots', lotBody(testLot({ invoices: [1, 2], rightsClosed: [2] })), headers);
  const { returns } = (await running.call('GET', '/v1/returns', undefined, headers)).body as { returns: { invoices: { status: string; warnings: { code: string }[] }[] }[] };
  t.deepEqual(returns[0]!.invoices.map((i) => [i.status, i.warnings.map((w) => w.code)]), [['paid', ['W0003']], ['rejected', ['W0003']]]);
});

test('a destination no organism here receives: negative ARL L0006', async (t) => {
  const running = await startTeleservice({ personas: { patients: [], doctors: await loadDoctors() } });
  t.teardown(running.stop);
  const { arl } = await arlOf(running, await bearer(running, 'dr-moreau'), lotBody(testLot()));
  t.like(arl, { status: 'negative', reason: 'L0006' });
});
