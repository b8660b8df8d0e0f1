import { z } from 'zod';
import { coreConfigSchema } from '../config/config-schema.ts';
import type { Plugin } from './plugin.ts';

const pluginSchema = z.custom<Plugin>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string',
  'expected a plugin (the result of a plugin factory such as memoryStorage())',
);

/** The whole config file's schema: the core sections (core/config/config-schema.ts) and the plugins. */
export const configSchema = coreConfigSchema.extend({
  plugins: z.array(pluginSchema).default([]),
});

/**
 * The whole config: the core sections above plus one free-form section per plugin
 * (`http`, `mysql`, `redis`, `metrics`, …), validated by the plugin that reads it.
 */
export type ResolvedConfig = z.output<typeof configSchema> & {
  readonly sections: Readonly<Record<string, Record<string, unknown>>>;
};

export type TaskManagerConfigInput = z.input<typeof configSchema> & {
  [section: string]: unknown;
};

export const CORE_SECTIONS = new Set(['app', 'roles', 'scheduler', 'worker', 'retention', 'taskTypes', 'plugins']);
