/**
 * Test helpers of the day: a well-formedness check of an HTML page without
 * a parser dependency.
 * @module
 */
const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input']);

/** Problems of an HTML document's tag structure: a tag closed out of order, or left open. No regular expression: a scan. */
export function tagProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let i = 0;
  while ((i = html.indexOf('<', i)) !== -1) {
    const end = html.indexOf('>', i);
    if (end === -1) return [...problems, `unterminated tag at ${i}`];
    const inner = html.slice(i + 1, end);
    i = end + 1;
    if (inner.startsWith('!')) continue;
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (top !== name) problems.push(`</${name}> closes <${top ?? 'nothing'}>`);
      continue;
    }
    const name = inner.split(/[\s/]/)[0]!.toLowerCase();
    if (name === 'style') {
      const close = html.indexOf('</style>', i);
      if (close === -1) return [...problems, 'unclosed <style>'];
      i = close + '</style>'.length;
      continue;
    }
    if (!VOID.has(name)) open.push(name);
  }
  return [...problems, ...open.map((name) => `<${name}> never closed`)];
}

