import { buildCli, run } from './program.ts';

const status = await run(buildCli(), process.argv.slice(2));
// undefined: `start` keeps the process alive until a signal stops it.
if (status !== undefined) process.exitCode = status;
