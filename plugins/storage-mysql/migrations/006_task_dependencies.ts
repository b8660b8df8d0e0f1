import { sql, type Kysely } from 'kysely';

/**
 * 006: task_dependency, one row per edge "task_id waits for depends_on" (SPEC §8.4), kept
 * after it settles so a task's depends_on can be read back. `state` is WAITING until the
 * dependency ends for good, then MET or BROKEN (core/domain/dependency.ts). Mirrored in
 * schema.sql; IF NOT EXISTS adopts a database built from it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE TABLE IF NOT EXISTS task_dependency (
  task_id     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  depends_on  VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  position    INT NOT NULL,
  state       VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'WAITING',
  -- A task's edges (getDependencies, and findDuePending's "waits on nothing" check).
  PRIMARY KEY (task_id, depends_on),
  -- The edges on a dependency by state: filterDependedOn, settleDependencies, reconciliation.
  KEY idx_depends_on_state (depends_on, state),
  -- Reconciliation: the WAITING and BROKEN edges, whatever their dependency.
  KEY idx_state (state, depends_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS task_dependency`.execute(db);
}
