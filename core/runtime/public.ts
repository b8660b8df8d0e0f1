// Re-exports that grow as the runtime and services land; kept apart so core/index.ts stays stable.
export {};
