import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { NonRetryableError } from '../../core/index.ts';

/** The server may succeed later: it is down or overloaded, or the call ran out of time. */
const RETRYABLE = new Set<number>([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.RESOURCE_EXHAUSTED]);

export class GrpcStatusError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`gRPC ${Status[code] ?? code}: ${details}`);
    this.name = 'GrpcStatusError';
  }
}

export class NonRetryableGrpcStatusError extends NonRetryableError {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`gRPC ${Status[code] ?? code}: ${details}`);
  }
}

/** UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED are retried; every other status is final. */
export function callError(error: ServiceError): Error {
  return RETRYABLE.has(error.code)
    ? new GrpcStatusError(error.code, error.details)
    : new NonRetryableGrpcStatusError(error.code, error.details);
}
