/**
 * `taskmanager stats --watch`: the stats again every second until Ctrl-C. On a terminal the
 * screen is redrawn in place; piped, each refresh is appended (one JSON line with --json).
 */
import type { Session } from './connection.ts';
import { describeError } from './describe-error.ts';
import { gatherStats, renderStats } from './stats-view.ts';

const REFRESH_MS = 1_000;
const CLEAR_SCREEN = '\x1b[H\x1b[2J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

export async function watchStats({ client, out, url }: Session): Promise<void> {
  const redraw = out.interactive && !out.json;
  const stop = () => {
    if (redraw) out.write(SHOW_CURSOR);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (redraw) out.write(HIDE_CURSOR);

  for (;;) {
    const started = Date.now();
    let frame: string[] | undefined;
    try {
      const stats = await gatherStats(client);
      if (out.json) out.documentLine(stats);
      frame = renderStats(stats, out.color);
    } catch (error) {
      // A refresh that fails is shown and the next one tried: the server may come back.
      const message = `taskmanager: ${describeError(error, url).message}`;
      if (redraw) frame = [out.color.red(message)];
      else out.error(message);
    }
    if (!out.json && frame) {
      const header = out.color.dim(
        `every ${REFRESH_MS / 1000} s, Ctrl-C to stop — ${url} at ${new Date().toLocaleTimeString()}`,
      );
      if (redraw) out.write(`${CLEAR_SCREEN}${header}\n\n${frame.join('\n')}\n`);
      else out.print([header, '', ...frame, ''].join('\n'));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, REFRESH_MS - (Date.now() - started))));
  }
}
