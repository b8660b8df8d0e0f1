import { z } from 'zod';
import { duration, integer } from '../../core/index.ts';
import { RECHECK_INTERVAL_MS } from './wait-task.ts';

export const grpcOptionsSchema = z.object({
  /** The gRPC port, bound on app.host; 0 turns the gRPC API off. TM_GRPC_PORT. */
  port: integer(0, 65_535).default(9090),
  /** WaitTask re-reads its task this often even without an event (the safety net under the event bus). */
  waitRecheckInterval: duration().default(RECHECK_INTERVAL_MS),
});

export type GrpcApiOptions = z.input<typeof grpcOptionsSchema>;
export type ResolvedGrpcApiOptions = z.output<typeof grpcOptionsSchema>;
