export interface FaultRecord {
  fault: string;
  recoveryMs: number;
  boundMs: number;
  affected: string;
}

/** The table the suite prints: fault, recovery time against its bound, tasks affected. */
export function formatTable(rows: FaultRecord[]): string {
  const header = ['fault', 'recovery', 'bound', 'tasks affected'];
  const lines = rows.map((r) => [
    r.fault,
    r.boundMs ? `${r.recoveryMs} ms` : '',
    r.boundMs ? `${r.boundMs} ms` : '',
    r.affected,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    'chaos: fault → recovery time → tasks affected',
    row(header),
    row(widths.map((w) => '-'.repeat(w))),
    ...lines.map(row),
  ].join('\n');
}
