import type { Scenario } from '../lib/result.ts';
export const latency: Scenario = { name: 'latency', run: async () => [] };
