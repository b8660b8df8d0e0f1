#!/usr/bin/env node
// Runs the TypeScript sources through tsx: no build step, decorators included.
import { register } from 'tsx/esm/api';

register();
await import('reflect-metadata');
await import('../cli/main.ts');
