// Every vector file of test-vectors/ names its JSON Schema in "$schema" and
// conforms to it, so that other implementations can rely on the files' shape.
import test from 'ava';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const SKIP = new Set(['schema', 'lint-fixtures']);

function vectorFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : vectorFiles(p);
    return e.name.endsWith('.json') ? [p] : [];
  });
}

const files = vectorFiles(here);

test('there are vector files to check', (t) => {
  t.true(files.length > 0);
});

for (const file of files) {
  test(`${file.slice(here.length)} conforms to its schema`, (t) => {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { $schema?: unknown };
    t.is(typeof data.$schema, 'string', 'the file names its schema in "$schema"');
    const schemaPath = resolve(dirname(file), String(data.$schema));
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const valid = validate(data);
    t.true(valid, ajv.errorsText(validate.errors, { separator: '\n' }));
  });
}
