/** Columns aligned on the visible width of their cells (colour codes take no room). */
import { stripVTControlCharacters } from 'node:util';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => string;
  /** Numbers read better aligned right. */
  align?: 'left' | 'right';
}

const GAP = '  ';

function visibleWidth(text: string): number {
  return stripVTControlCharacters(text).length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const room = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? room + text : text + room;
}

/**
 * The rows as lines of text under a header line, each column as wide as its widest cell. The
 * last column is not padded (no trailing blanks); `styleHeader` may colour the header.
 */
export function renderTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  styleHeader: (text: string) => string = (t) => t,
): string[] {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, i) =>
    Math.max(visibleWidth(column.header), ...cells.map((line) => visibleWidth(line[i]!))),
  );
  const line = (values: string[], style: (text: string) => string = (t) => t) =>
    values
      .map((value, i) => {
        const last = i === values.length - 1;
        const align = columns[i]!.align ?? 'left';
        return style(last && align === 'left' ? value : pad(value, widths[i]!, align));
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      styleHeader,
    ),
    ...cells.map((values) => line(values)),
  ];
}
