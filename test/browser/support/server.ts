/** `taskmanager start` with the embedded default (taskmanager.config.ts), as `npm start` runs it. */
import path from 'node:path';
import { NodeProcess, REPO_ROOT, baseEnv, freePort } from '../../e2e/support/node-process.ts';

export const EMBEDDED_CONFIG = path.join(REPO_ROOT, 'taskmanager.config.ts');

export async function startEmbedded(label: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  const node = new NodeProcess(
    label,
    await freePort(),
    { ...baseEnv(), TM_APP_LOG_LEVEL: 'warn', ...env },
    EMBEDDED_CONFIG,
  );
  await node.ready();
  return node;
}

interface Envelope<T> {
  code: number;
  data: T;
}

/** Calls the API of `node` and returns `data` (throws on a non-2xx answer). */
export async function api<T>(
  node: NodeProcess,
  method: string,
  apiPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${node.url}${apiPath}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = (await response.json()) as Envelope<T>;
  if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${JSON.stringify(envelope)}`);
  return envelope.data;
}
