import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { camelToUpperSnake, mergeDeep, readEnvOverrides, sectionEnvOverrides } from './env-overrides.ts';

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

describe('sectionEnvOverrides', () => {
  const schema = z.object({
    defaultTimeout: z.string().optional(),
    maxMessageBytes: z.string().optional(),
    groupCommit: z
      .object({ maxCallTasks: z.coerce.number().optional(), maxGroupsInFlight: z.coerce.number().optional() })
      .optional(),
    tls: z.object({ ca: z.string() }).default({ ca: '' }),
  });

  it('maps a camelCase section and camelCase keys from upper snake case', () => {
    expect(
      sectionEnvOverrides(
        { TM_GRPC_EXECUTOR_DEFAULT_TIMEOUT: '5s', TM_GRPC_EXECUTOR_MAX_MESSAGE_BYTES: '100', TM_GRPC_X: '1' },
        'grpcExecutor',
        schema,
      ),
    ).toEqual({ defaultTimeout: '5s', maxMessageBytes: '100' });
  });

  it('reaches nested keys through object keys (optional or defaulted), words joined by _', () => {
    expect(
      sectionEnvOverrides(
        {
          TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS: '0',
          TM_MYSQL_GROUP_COMMIT_MAX_GROUPS_IN_FLIGHT: '2',
          TM_MYSQL_TLS_CA: '/ca.pem',
        },
        'mysql',
        schema,
      ),
    ).toEqual({ groupCommit: { maxCallTasks: '0', maxGroupsInFlight: '2' }, tls: { ca: '/ca.pem' } });
  });

  it('keeps the old flat rule for words that spell no key, and skips reserved variables', () => {
    expect(sectionEnvOverrides({ TM_API_KEY: 'k', TM_API_NEW_THING: 'v' }, 'api', schema)).toEqual({
      newThing: 'v',
    });
  });

  it('spells section names in upper snake case', () => {
    expect(camelToUpperSnake('grpcExecutor')).toBe('GRPC_EXECUTOR');
    expect(camelToUpperSnake('loadBalancers')).toBe('LOAD_BALANCERS');
    expect(camelToUpperSnake('maxGroupsInFlight')).toBe('MAX_GROUPS_IN_FLIGHT');
  });

  it('merges nested overrides into file values key by key', () => {
    expect(
      mergeDeep(
        { groupCommit: { maxCallTasks: 5, maxGroupTasks: 9 }, url: 'a' },
        { groupCommit: { maxCallTasks: '0' } },
      ),
    ).toEqual({
      groupCommit: { maxCallTasks: '0', maxGroupTasks: 9 },
      url: 'a',
    });
  });
});
