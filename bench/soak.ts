/**
 * Soak: a steady load on a real `taskmanager start` process for a while, with its memory read
 * every sample interval. A benchmark, not a test: it reports a curve, it asserts nothing.
 *
 *   npm run soak                                   10 minutes on the embedded default
 *   SOAK_MINUTES=3 SOAK_RATE=2000 npm run soak     shorter, faster
 *   SOAK_CONFIG=examples/distributed/taskmanager.config.ts npm run soak   MySQL + Redis
 *
 * Finished tasks are kept SOAK_RETENTION (default 1m) so the curve shows whether memory is
 * bounded once retention deletes as fast as tasks finish. Extra TM_* variables pass through.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const rate = Number(process.env.SOAK_RATE ?? 1_000);
const sampleMs = Number(process.env.SOAK_SAMPLE_SECONDS ?? 10) * 1_000;
const retention = process.env.SOAK_RETENTION ?? '1m';
const config = process.env.SOAK_CONFIG;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

const port = await freePort();
const bin = fileURLToPath(new URL('../bin/taskmanager.mjs', import.meta.url));
const child = spawn(process.execPath, [bin, 'start', ...(config ? ['--config', config] : [])], {
  env: {
    ...process.env,
    TM_PORT: String(port),
    TM_APP_LOG_LEVEL: 'warn',
    TM_RETENTION_COMPLETED: retention,
    TM_RETENTION_FAILED: retention,
    TM_RETENTION_CANCELLED: retention,
    TM_RETENTION_INTERVAL: process.env.SOAK_RETENTION_INTERVAL ?? '10s',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

async function ready(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not become ready');
}

/** process_resident_memory_bytes and nodejs_heap_size_used_bytes from /metrics, in MB. */
async function memory(): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN) / 1_048_576;
  return { rss: read('process_resident_memory_bytes'), heap: read('nodejs_heap_size_used_bytes') };
}

/** Tasks created and deleted so far, from the counters on /metrics. */
async function counts(): Promise<{ created: number; deleted: number }> {
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const created = [...metrics.matchAll(/^task_created_total\{[^}]*\} (\S+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  const deleted = [...metrics.matchAll(/^tasks_deleted_total\{[^}]*\} (\S+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  return { created, deleted };
}

await ready();
const batch = Math.max(1, Math.round(rate / 10));
const tasks = Array.from({ length: batch }, (_, i) => ({ task_type: 'echo', payload: { i, text: 'soak' } }));
let stop = false;
const load = (async () => {
  let next = Date.now();
  while (!stop) {
    await fetch(`${base}/api/v1/tasks/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tasks }),
    });
    next += 100;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
})();

console.log(
  `soak: ${rate} echo tasks/s for ${minutes} min on ${config ?? 'the embedded default'}, retention ${retention}`,
);
console.log('  t(s)   rss MB   heap MB   created   deleted');
const started = Date.now();
const samples: { t: number; rss: number; heap: number }[] = [];
while (Date.now() - started < minutes * 60_000) {
  await new Promise((r) => setTimeout(r, sampleMs));
  const t = Math.round((Date.now() - started) / 1_000);
  const { rss, heap } = await memory();
  const { created, deleted } = await counts();
  samples.push({ t, rss, heap });
  console.log(
    `${String(t).padStart(6)} ${rss.toFixed(1).padStart(8)} ${heap.toFixed(1).padStart(9)} ${String(created).padStart(9)} ${String(deleted).padStart(9)}`,
  );
}
stop = true;
await load;
child.kill('SIGTERM');
await once(child, 'exit');

// Flat or not: RSS over the second half of the run (after warm-up and the first retention
// passes) against the first half's peak. Heap is a sawtooth (V8 collects lazily), RSS is what
// the machine pays.
const half = samples.slice(Math.floor(samples.length / 2));
if (half.length >= 2) {
  const rss = half.map((s) => s.rss);
  const firstPeak = Math.max(...samples.slice(0, Math.floor(samples.length / 2)).map((s) => s.rss));
  console.log(
    `second half: rss ${Math.min(...rss).toFixed(1)}–${Math.max(...rss).toFixed(1)} MB (first half peak ${firstPeak.toFixed(1)} MB); ` +
      `last ${rss[rss.length - 1]!.toFixed(1)} MB`,
  );
}
