/**
 * Where a command writes: one JSON document on stdout with --json, text otherwise; colour
 * only when the stream is a terminal that wants it (NO_COLOR, NODE_DISABLE_COLORS and
 * TERM=dumb turn it off, as Node's own `hasColors()` reads them).
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  hasColors?: () => boolean;
  columns?: number;
}

function wantsColor(stream: OutputStream): boolean {
  return Boolean(stream.isTTY) && typeof stream.hasColors === 'function' && stream.hasColors();
}

export class Output {
  /** Colours for stdout; every function returns its text unchanged when colour is off. */
  readonly color: Colors;

  constructor(
    readonly json: boolean,
    private readonly stdout: OutputStream = process.stdout,
    private readonly stderr: OutputStream = process.stderr,
  ) {
    this.color = pc.createColors(wantsColor(stdout));
  }

  /** Whether stdout is a terminal (live status lines, screen refresh). */
  get interactive(): boolean {
    return Boolean(this.stdout.isTTY);
  }

  /** Terminal width, or undefined when not a terminal. */
  get columns(): number | undefined {
    return this.stdout.isTTY ? this.stdout.columns : undefined;
  }

  /** The command's one JSON document. */
  document(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON document per line, for a stream of them (`stats --watch --json`). */
  documentLine(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Human output: lines of text on stdout. */
  print(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Raw text on stdout, for terminal control (a status line rewritten in place). */
  write(text: string): void {
    this.stdout.write(text);
  }

  /** A message on stderr (errors, notes that must not mix with the document on stdout). */
  error(text: string): void {
    this.stderr.write(`${text}\n`);
  }
}
