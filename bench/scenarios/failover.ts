import type { Scenario } from '../lib/result.ts';
export const failover: Scenario = { name: 'failover', run: async () => [] };
