/**
 * The host process the kill test SIGKILLs (bundled by the test with esbuild,
 * run with plain node): opens the host database at argv[2], the serial
 * device argv[3] (one end of a pty pair whose other end is the terminal),
 * and syncs with the CA at argv[4] and the host time argv[5], printing one
 * line per progress event, after the step it reports is done.
 *
 * Lines: `ready`, `identified`, `listed <n>`, `item <id> <outcome> <verdict>`,
 * `acknowledging <ids>`, `acknowledged <freed>`, `done <json>`, `failed <code> <message>`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { openLink, openSerialLinkPort } from '../../drivers/index.js';
import { isSyncError, openHostDatabase, syncTerminal } from '../index.js';

const [dbPath, device, caPath, nowText, revokedText = ''] = process.argv.slice(2);
if (dbPath === undefined || device === undefined || caPath === undefined || nowText === undefined) throw new Error('usage: kill-child <host.db> <tty> <ca.pem> <now-ms> [revoked,serials]');
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const now = Number(nowText);

const db = await openHostDatabase(dbPath, { clock: { now: () => now } });
const link = openLink(await openSerialLinkPort(device), { requestTimeoutMs: 5000 });
say('ready');
try {
  const summary = await syncTerminal(link, db, {
    ca: readFileSync(caPath, 'utf8'),
    now: () => now,
    utcOffsetMinutes: 60,
    revokedSerials: new Set(revokedText.split(',').filter((s) => s !== '')),
    onProgress: (e) => {
      if (e.phase === 'identified') say('identified');
      if (e.phase === 'listed') say(`listed ${e.fses + e.lots}`);
      if (e.phase === 'item') say(`item ${e.id} ${e.outcome} ${e.verdict ?? '-'}`);
      if (e.phase === 'acknowledging') say(`acknowledging ${e.ids.join(',')}`);
      if (e.phase === 'acknowledged') say(`acknowledged ${e.freed.join(',')}`);
    },
  });
  say(`done ${JSON.stringify({ acknowledged: summary.acknowledged, rejected: summary.rejected.length, alreadyHeld: summary.alreadyHeld })}`);
} catch (error) {
  say(`failed ${isSyncError(error) ? error.code : 'other'} ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await link.close();
  db.close();
}
