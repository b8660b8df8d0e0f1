export * from './errors.ts';
export * from './json.ts';
export * from './priority.ts';
export * from './task.ts';
export * from './task-log.ts';
export * from './task-type.ts';
export * from './worker.ts';
export * from './json-limits.ts';
