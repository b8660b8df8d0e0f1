import { z } from 'zod';
import { boolean, definePlugin, type Plugin } from '../../core/index.ts';
import { buildAssets, type DashboardAssets } from './assets.ts';
import { dashboardRoutes } from './routes.ts';

const optionsSchema = z.object({
  /** Serve /ui. `TM_DASHBOARD_ENABLED=false` turns it off where the plugin is configured. */
  enabled: boolean().default(true),
});
export type DashboardOptions = z.input<typeof optionsSchema>;

/**
 * The web dashboard at /ui (plugins/dashboard/README.md): overview, tasks, task detail,
 * workers, task types and schedules, live over GET /api/v1/events. Served by the HTTP API
 * plugin of the same process, so it exists where the `api` role runs.
 */
export function dashboard(options: DashboardOptions = {}): Plugin {
  let built: Promise<DashboardAssets> | undefined;
  const assets = () => (built ??= buildAssets());

  return definePlugin({
    name: 'dashboard',
    setup(ctx) {
      const settings = ctx.section('dashboard', optionsSchema, options);
      if (!settings.enabled) return;
      for (const route of dashboardRoutes(assets, ctx.logger)) ctx.registerRoute(route);
    },
    start(ctx) {
      // Built ahead where it will be served, so the first visitor does not wait; a failure is
      // logged and answered as a 500 on /ui, the API keeps running.
      if (!ctx.roles.includes('api') || !ctx.section('dashboard', optionsSchema, options).enabled) return;
      assets().catch((error: unknown) => ctx.logger.error({ err: error }, 'the dashboard could not be built'));
    },
  });
}
