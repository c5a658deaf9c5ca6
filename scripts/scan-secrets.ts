/**
 * The suite-wide check of issue 4's tracing rule: no persona's PIN or
 * unblocking code appears in any trace or log the test suite left behind.
 * Usage: npx tsx scripts/scan-secrets.ts <file or folder>...
 * Scans text files (.jsonl, .log, .txt, .json, .html) under each path; exits 1 and
 * names file, secret label and form (never the value) for every finding.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDoctors, scanForSecrets, type SecretToFind, type TextToScan } from '../emulator/index.js';

const TEXT = /\.(jsonl|log|txt|json|html)$/;

function textsUnder(path: string): TextToScan[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (stat.isFile()) return TEXT.test(path) ? [{ name: path, text: readFileSync(path, 'utf8') }] : [];
  return readdirSync(path).flatMap((entry) => textsUnder(join(path, entry)));
}

/** Every persona's reference data, and the generic test card's (test-vectors/cards/generic.json). */
export async function personaSecrets(): Promise<SecretToFind[]> {
  const doctors = await loadDoctors();
  return [
    ...doctors.flatMap((d) => [
      { label: `${d.id} PIN`, value: d.pin },
      { label: `${d.id} unblocking code`, value: d.unblockingCode },
    ]),
    { label: 'generic card PIN', value: '1234' },
    { label: 'generic card unblocking code', value: '12345678' },
  ];
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: scan-secrets <file or folder>...');
  process.exit(2);
}
const texts = paths.flatMap(textsUnder);
const findings = scanForSecrets(texts, await personaSecrets());
for (const f of findings) console.error(`secret found: ${f.secret} as ${f.form} in ${f.text} at ${f.offset}`);
console.log(`scan-secrets: ${texts.length} file(s) scanned, ${findings.length} finding(s)`);
process.exitCode = findings.length === 0 ? 0 : 1;
