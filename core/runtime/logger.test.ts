import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes one JSON object per line when no one watches a terminal', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'tm', level: 'info', pretty: false, destination })
      .child({ plugin: 'queue-redis' })
      .info({ tasks: 3 }, 'hello');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      name: 'tm',
      plugin: 'queue-redis',
      tasks: 3,
      msg: 'hello',
      level: 30,
    });
  });

  it('writes readable lines for a terminal', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'tm', level: 'info', pretty: true, destination }).info({ tasks: 3 }, 'hello');
    expect(lines[0]).toMatch(/INFO.*\(tm\): hello/);
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(lines.join('\n')).toContain('tasks: 3');
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', pretty: false, destination });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});
