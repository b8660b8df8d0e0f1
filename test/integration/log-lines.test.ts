import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, createTaskManager, type TaskManager } from '../../core/index.ts';
import { httpApi } from '../../plugins/http-api/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';

describe('log lines of a running app', () => {
  let app: TaskManager | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('name the plugin once: no key appears twice in a line', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ level: 'info', pretty: false, destination });
    app = await createTaskManager(
      {
        app: { port: 0, crossProcessEvents: false },
        roles: ['api'],
        plugins: [memoryStorage(), memoryQueue(), httpApi()],
      },
      { env: {}, logger },
    );
    await app.start();

    const listening = lines.find((line) => line.includes('HTTP API listening'));
    expect(listening, lines.join('\n')).toBeDefined();
    expect(listening!.match(/"plugin":/g)).toHaveLength(1);
    expect(JSON.parse(listening!).plugin).toBe('http-api');
    for (const line of lines) {
      const keys = [...line.matchAll(/[{,]"([^"]+)":/g)].map((m) => m[1]);
      expect(keys.length, line).toBe(new Set(keys).size);
    }
  });
});
