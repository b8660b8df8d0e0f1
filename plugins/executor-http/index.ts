import { z } from 'zod';
import { boolean, definePlugin, type Plugin } from '../../core/index.ts';
import { guardedAgent, validHostEntry } from './address-guard.ts';
import { HttpExecutor } from './http-executor.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-body.ts';

const optionsSchema = z.object({
  /** Task types this executor serves. */
  taskTypes: z.array(z.string().min(1)).min(1).default(['http_request', 'webhook']),
  /** Bytes of response body kept in the result; the rest is dropped. */
  maxResponseBytes: z.coerce
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(DEFAULT_MAX_RESPONSE_BYTES),
  /** Reach loopback, private and link-local addresses too (off: only public addresses). */
  allowPrivateNetworks: boolean().default(false),
  /** Exceptions to the public-only rule: host names, `*.suffix`, IPs or CIDR ranges ("a,b" from env). */
  allowedHosts: z
    .union([z.array(z.string()), z.string()])
    .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((h) => h.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(validHostEntry, 'a host name, *.suffix, IP or CIDR range')))
    .default([]),
});
export type HttpExecutorOptions = z.input<typeof optionsSchema>;

/** An executor of type "http": each task becomes one HTTP request. */
export function httpExecutor(options: HttpExecutorOptions = {}): Plugin {
  return definePlugin({
    name: 'executor-http',
    setup(ctx) {
      const { taskTypes, maxResponseBytes, allowPrivateNetworks, allowedHosts } = ctx.section(
        'httpExecutor',
        optionsSchema,
        options,
      );
      ctx.registerExecutor(
        new HttpExecutor(taskTypes, maxResponseBytes, guardedAgent({ allowPrivateNetworks, allowedHosts })),
      );
    },
  });
}
