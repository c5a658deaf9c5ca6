// Lint: typescript-eslint's recommended rules plus the layering of
// DEVELOPERS.md / STYLE.md, enforced with core `no-restricted-imports`.
// Imports are relative, so each folder's rule is a set of path patterns:
// "a folder that is not allowed" and "an allowed folder, but not through
// its index.js".
import tseslint from 'typescript-eslint';

const FOLDERS = ['protocol', 'emulator', 'drivers', 'terminal', 'host-sdk', 'test-vectors', 'cli'];

/** Which folders each folder may import (through their index.ts only). */
export const ALLOWED = {
  protocol: [],
  emulator: ['protocol'],
  drivers: ['protocol'],
  terminal: ['protocol', 'drivers'],
  'host-sdk': ['protocol', 'drivers'],
  'test-vectors': ['protocol', 'drivers'],
  cli: ['protocol', 'emulator', 'drivers', 'terminal', 'host-sdk', 'test-vectors'],
  bench: ['protocol', 'emulator', 'drivers', 'terminal', 'host-sdk', 'test-vectors', 'cli'],
  // Tooling (PKI and key generation, pcscd) may use any folder, like cli/.
  scripts: ['protocol', 'emulator', 'drivers', 'terminal', 'host-sdk', 'test-vectors', 'cli'],
};

/**
 * Tests (and their helpers and benchmarks) of drivers/, terminal/, host-sdk/
 * and test-vectors/ may also compose the emulator's cards (issue 5: the cards are composed by the
 * test, never imported by drivers/ itself). Each transport's run of the
 * conformance suite lives in test-vectors/conformance/. host-sdk's tests may
 * also run the terminal's firmware: the host's real peer on the link (issue 7).
 */
const TEST_ALLOWED = {
  drivers: [...ALLOWED.drivers, 'emulator'],
  'test-vectors': [...ALLOWED['test-vectors'], 'emulator'],
  terminal: [...ALLOWED.terminal, 'emulator'],
  'host-sdk': [...ALLOWED['host-sdk'], 'emulator', 'terminal'],
};
const TEST_FILES = ['**/*.test.ts', '**/*.bench.ts', '**/test-support.ts'];



function layering(folder, allowed = ALLOWED[folder], files = [`${folder}/**/*.ts`], entries = 'index') {
  const patterns = [];
  for (const other of FOLDERS) {
    if (other === folder) continue;
    if (allowed.includes(other)) {
      patterns.push({
        regex: `^(\\.\\./)+${other}/(?!(${entries})\\.js$)`,
        message: `Import ${other}/ only through ${other}/index.js.`,
      });
    } else {
      patterns.push({
        regex: `^(\\.\\./)+${other}(/|$)`,
        message: `${folder}/ may not import ${other}/ (allowed: ${allowed.join(', ') || 'nothing of ours'}).`,
      });
    }
  }
  // The composition root is imported by nobody.
  if (folder !== 'bench' && folder !== 'scripts') patterns.push({ regex: '^(\\.\\./)+cli(/|$)', message: 'Nothing imports cli/.' });
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

/** Pure layers: no ambient I/O, time or Buffer (STYLE.md). */
const pureLayer = {
  files: ['protocol/**/*.ts', 'terminal/**/*.ts'],
  ignores: ['**/*.test.ts', '**/*.bench.ts', '**/test-support.ts'],
  rules: {
    'no-restricted-globals': ['error',
      { name: 'Buffer', message: 'Use Uint8Array; drivers convert Buffer at the boundary.' },
      { name: 'console', message: 'No console in a pure layer.' },
      { name: 'setTimeout', message: 'Time comes from an injected clock.' },
      { name: 'setInterval', message: 'Time comes from an injected clock.' }],
    'no-restricted-properties': ['error',
      { object: 'Date', property: 'now', message: 'Time comes from an injected clock.' }],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'docs-site/', 'out/', 'test-vectors/lint-fixtures/', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-throw-literal': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  ...[...FOLDERS, 'bench', 'scripts'].map((folder) => layering(folder)),
  ...Object.entries(TEST_ALLOWED).map(([folder, allowed]) => layering(folder, allowed, TEST_FILES.map((glob) => `${folder}/${glob}`))),
  // cli/'s tests compose whole rigs (a terminal with a filled store, a host database, a card in
  // pcscd): they and their helpers (`*-test-support.ts`) may reuse any test-support.ts of another
  // folder, a subfolder's too, rather than rebuild it.
  layering('cli', ALLOWED.cli, [...TEST_FILES, '**/*-test-support.ts'].map((glob) => `cli/${glob}`), 'index|(.+/)?test-support'),
  pureLayer,
);
