// The load generator of bench/teleservice-load.bench.ts, run in a second
// process (forked, IPC): on each message { url, method, headers, body,
// amount | duration, connections } it runs autocannon and answers
// { requests, errors, non2xx, rps, p50Ms, p99Ms }, rps = requests / measured
// duration (autocannon's own average is per whole-second sample).
import autocannon from 'autocannon';

process.on('message', (job) => {
  autocannon({ url: job.url, method: job.method, headers: job.headers, body: job.body, ...(job.amount === undefined ? { duration: job.duration } : { amount: job.amount }), connections: job.connections, pipelining: 1 }, (error, result) => {
    if (error) return process.send({ error: String(error) });
    process.send({ requests: result.requests.total, errors: result.errors, non2xx: result.non2xx, rps: result.requests.total / result.duration, p50Ms: result.latency.p50, p99Ms: result.latency.p99 });
  });
});
process.on('disconnect', () => process.exit(0));
