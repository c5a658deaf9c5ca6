/**
 * Tables for people: columns padded to their widest cell, numbers right
 * aligned, a rule under the header.
 * @module
 */

/** One column: its header and whether its cells align right (counts, amounts). */
export interface TableColumn {
  readonly header: string;
  readonly right?: boolean;
}

/**
 * The rows as an aligned text table ending with a newline; `(none)` under
 * the header when there are no rows.
 * @example formatTable([{ header: 'state' }, { header: 'lots', right: true }], [['signed', '2']])
 * // 'state   lots\n------  ----\nsigned     2\n'
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        return c.right === true ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  ')];
  if (rows.length === 0) out.push('(none)');
  else for (const r of rows) out.push(line(r));
  return `${out.join('\n')}\n`;
}
