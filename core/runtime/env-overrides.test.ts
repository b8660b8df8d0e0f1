import { describe, expect, it } from 'vitest';
import { readEnvOverrides } from './env-overrides.ts';

describe('readEnvOverrides', () => {
  it('reads TM_<SECTION>_<KEY>, and leaves the variables that are not config keys alone', () => {
    expect(
      readEnvOverrides({
        TM_WORKER_HEARTBEAT_TIMEOUT: '4s',
        TM_PORT: '9000',
        TM_CONFIG: 'x.ts',
        TM_API_URL: 'http://localhost:8080',
        TM_API_KEY: 'secret',
        TM_TEST_REDIS: 'x',
        PATH: '/bin',
      }),
    ).toEqual({ worker: { heartbeatTimeout: '4s' }, app: { port: '9000' } });
  });
});
