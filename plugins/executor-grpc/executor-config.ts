import { z } from 'zod';
import { NonRetryableError, type JsonObject } from '../../core/index.ts';

/** The task type's `executorConfig` as the gRPC executor reads it. */
const grpcCallSchema = z.object({
  /** host:port of the server. */
  address: z.string().min(1),
  /** Fully qualified service name: `package.Service`. */
  service: z.string().regex(/^[A-Za-z_][\w.]*$/, 'a fully qualified service name such as "billing.Invoices"'),
  method: z.string().regex(/^[A-Za-z_]\w*$/, 'a method name'),
  /** A .proto file path (absolute or relative to the working directory), or the proto text itself. */
  proto: z.string().min(1),
  /** Directories searched for the proto's imports (file protos). */
  includeDirs: z.array(z.string()).default([]),
  /** TLS with the system's root certificates; plaintext otherwise. */
  tls: z.boolean().default(false),
  /** Metadata sent with every call (e.g. an authorization header). */
  metadata: z.record(z.string(), z.string()).default({}),
});
export type GrpcCallConfig = z.output<typeof grpcCallSchema>;

/** Config problems are non-retryable: the same task would fail the same way every time. */
export function readGrpcCallConfig(executorConfig: JsonObject, taskType: string): GrpcCallConfig {
  const parsed = grpcCallSchema.safeParse(executorConfig);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new NonRetryableError(
    `task type ${taskType}: executorConfig.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
  );
}

/** Inline proto text is told from a path by its braces (a file name has none). */
export function isInlineProto(proto: string): boolean {
  return proto.includes('{');
}
