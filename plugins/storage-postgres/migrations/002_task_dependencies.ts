import { sql, type Kysely } from 'kysely';

/**
 * 002: task_dependency, one row per edge "task_id waits for depends_on" (SPEC §8.4), kept after
 * it settles so a task's depends_on can be read back. `state` is WAITING until the dependency
 * ends for good, then MET or BROKEN (core/domain/dependency.ts). The MySQL schema's 006.
 */
const STATEMENTS = [
  sql`
CREATE TABLE IF NOT EXISTS task_dependency (
  task_id     VARCHAR(64) COLLATE "C" NOT NULL,
  depends_on  VARCHAR(64) COLLATE "C" NOT NULL,
  position    INT NOT NULL,
  state       VARCHAR(8) COLLATE "C" NOT NULL DEFAULT 'WAITING',
  -- A task's edges (getDependencies, and findDuePending's "waits on nothing" check).
  PRIMARY KEY (task_id, depends_on)
)`,
  // The edges still WAITING on a dependency: filterDependedOn (per batch of outcomes),
  // settleDependencies and reconciliation. Partial: settled edges leave it.
  sql`CREATE INDEX IF NOT EXISTS task_dependency_waiting_idx ON task_dependency (depends_on) WHERE state = 'WAITING'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS task_dependency`.execute(db);
}
