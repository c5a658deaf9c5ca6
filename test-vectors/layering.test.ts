// The dependency direction of DEVELOPERS.md is a lint rule (eslint.config.js).
// This test lints the fixtures of test-vectors/lint-fixtures/, laid out as if
// they were the project's folders, and checks which imports the rule refuses.
import test from 'ava';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = fileURLToPath(new URL('./lint-fixtures/', import.meta.url));

async function lintFixtures(): Promise<Map<string, string[]>> {
  const eslint = new ESLint({ cwd: fixtures, overrideConfigFile: `${root}eslint.config.js`, ignore: false });
  const results = await eslint.lintFiles(['**/*.ts']);
  return new Map(
    results.map((r) => [r.filePath.slice(fixtures.length), r.messages.map((m) => `${m.ruleId ?? ''}: ${m.message}`)]),
  );
}

const refused = [
  ['protocol/bad-upward.ts', 'protocol/ may not import emulator/'],
  ['protocol/deep/bad-nested.ts', 'protocol/ may not import drivers/'],
  ['drivers/bad-deep.ts', 'Import protocol/ only through protocol/index.js'],
  ['emulator/bad-sibling.ts', 'emulator/ may not import drivers/'],
  ['terminal/bad-cli.ts', 'terminal/ may not import cli/'],
  ['drivers/bad-emulator.ts', 'drivers/ may not import emulator/'],
] as const;

test('lint refuses imports against the dependency direction', async (t) => {
  const byFile = await lintFixtures();
  for (const [file, expected] of refused) {
    const messages = byFile.get(file) ?? [];
    t.true(
      messages.some((m) => m.startsWith('no-restricted-imports') && m.includes(expected)),
      `${file}: ${messages.join(' | ') || 'no message'}`,
    );
  }
});

test('lint accepts an allowed import through index.js', async (t) => {
  const byFile = await lintFixtures();
  t.deepEqual(byFile.get('emulator/good.ts'), []);
  t.deepEqual(byFile.get('terminal/good.ts'), []);
});

test('a test of drivers/ may compose the emulator\'s cards; drivers/ code may not', async (t) => {
  const byFile = await lintFixtures();
  t.deepEqual(byFile.get('drivers/good-emulator.test.ts'), []);
  t.true((byFile.get('drivers/bad-emulator.ts') ?? []).some((m) => m.includes('drivers/ may not import emulator/')));
});
