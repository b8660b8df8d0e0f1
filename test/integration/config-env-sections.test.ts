import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/index.ts';
import { resolveSection } from '../../core/runtime/resolve-config.ts';
import { mysqlOptionsSchema } from '../../plugins/storage-mysql/options.ts';

describe('every option of a section is settable from the environment', () => {
  it('mysql.groupCommit, a nested section key, from TM_MYSQL_GROUP_COMMIT_*', () => {
    const config = resolveConfig({}, { TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS: '0', TM_MYSQL_POOL_SIZE: '7' });
    const resolved = resolveSection(config, 'mysql', mysqlOptionsSchema, { groupCommit: { maxGroupTasks: 50 } });
    expect(resolved.poolSize).toBe(7);
    expect(resolved.groupCommit).toEqual({ maxCallTasks: 0, maxGroupTasks: 50 });
  });

  it('a file value of a nested key is kept when the environment sets another key of it', () => {
    const config = resolveConfig(
      { mysql: { groupCommit: { maxGroupsInFlight: 2 } } },
      { TM_MYSQL_GROUP_COMMIT_MAX_CALL_TASKS: '10' },
    );
    expect(resolveSection(config, 'mysql', mysqlOptionsSchema, {}).groupCommit).toEqual({
      maxGroupsInFlight: 2,
      maxCallTasks: 10,
    });
  });
});
