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
    ).toEqual({ groupCommit: { maxCallTasks: 0, maxGroupsInFlight: 2 }, tls: { ca: '/ca.pem' } });
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

describe('sectionEnvOverrides converts strings for schemas that do not', () => {
  const schema = z.object({
    defaultMetrics: z.boolean().default(true),
    durationBuckets: z.array(z.number().positive()).optional(),
    hosts: z.array(z.string()).optional(),
    ratio: z.number().optional(),
    smtp: z.object({ secure: z.boolean().optional(), port: z.coerce.number().optional() }).optional(),
  });

  it('booleans, numbers and lists become what the schema expects', () => {
    const values = sectionEnvOverrides(
      {
        TM_METRICS_DEFAULT_METRICS: 'no',
        TM_METRICS_DURATION_BUCKETS: '0.1, 1,10',
        TM_METRICS_HOSTS: 'a:1,b:2',
        TM_METRICS_RATIO: '0.5',
        TM_METRICS_SMTP_SECURE: 'true',
        TM_METRICS_SMTP_PORT: '465',
      },
      'metrics',
      schema,
    );
    expect(values).toEqual({
      defaultMetrics: false,
      durationBuckets: [0.1, 1, 10],
      hosts: ['a:1', 'b:2'],
      ratio: 0.5,
      smtp: { secure: true, port: 465 },
    });
    expect(schema.parse(values)).toMatchObject({ smtp: { port: 465 } });
  });

  it('leaves a value that does not read for the schema to refuse', () => {
    expect(sectionEnvOverrides({ TM_METRICS_RATIO: 'lots' }, 'metrics', schema)).toEqual({ ratio: 'lots' });
  });
});
