import type { TaskManager } from '../core/index.ts';

/** The start-up banner: where to reach the service and what it is made of. */
export function printBanner(app: TaskManager, configPath: string): void {
  const { port } = app.config.app;
  const lines = [
    '',
    `  async-task-manager — node ${app.nodeId}`,
    app.roles.includes('api')
      ? `  API      http://localhost:${port}/api/v1   (docs: http://localhost:${port}/docs)`
      : '  API      not served by this process',
    `  roles    ${app.roles.join(', ')}`,
    `  plugins  ${app.plugins.map((p) => p.name).join(', ')}`,
    `  config   ${configPath}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
