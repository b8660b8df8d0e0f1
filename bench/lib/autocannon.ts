import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface LoadOptions {
  url: string;
  /** JSON request body, sent with every POST. */
  body: unknown;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  /** Requests answered 2xx. */
  ok: number;
  /** Answered with another status. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  seconds: number;
  /** Count per status code, e.g. { "201": 5000 }. */
  statusCodes: Record<string, number>;
}

/** The fields of autocannon's `--json` report that we read. */
interface AutocannonReport {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon');

/**
 * POSTs `body` to `url` with autocannon in its own process: a load generator in the bench's
 * event loop would take CPU from the server it measures.
 */
export async function postLoad(options: LoadOptions): Promise<LoadResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tm-bench-'));
  const bodyFile = path.join(dir, 'body.json');
  try {
    await writeFile(bodyFile, JSON.stringify(options.body));
    const args = [
      AUTOCANNON,
      '--json',
      '--no-progress',
      '--connections',
      String(options.connections),
      '--duration',
      String(options.seconds),
      '--method',
      'POST',
      '--headers',
      'content-type=application/json',
      '--input',
      bodyFile,
      options.url,
    ];
    const report = JSON.parse(await run(args)) as AutocannonReport;
    const statusCodes = Object.fromEntries(
      Object.entries(report.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
    );
    return {
      ok: report['2xx'],
      non2xx: report.non2xx,
      errors: report.errors + report.timeouts,
      seconds: report.duration,
      statusCodes,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`autocannon exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}
