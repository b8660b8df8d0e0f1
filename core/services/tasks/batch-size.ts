import { InvalidParameterError } from '../../domain/errors.ts';

/** A batch create holds 1 to `limit` tasks (`http.batchLimit`), whatever the transport. */
export function assertBatchSize(count: number, limit: number, field = 'tasks'): void {
  if (count < 1 || count > limit) {
    throw new InvalidParameterError(`invalid parameter ${field}: must hold 1 to ${limit} tasks`, {
      field,
      count,
      limit,
    });
  }
}
