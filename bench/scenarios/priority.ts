import type { Scenario } from '../lib/result.ts';
export const priority: Scenario = { name: 'priority', run: async () => [] };
