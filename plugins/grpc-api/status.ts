/** The one place errors become gRPC statuses: the product's code rides along as `tm-code`. */
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ErrorCode, TaskManagerError, type Logger } from '../../core/index.ts';

const STATUS_OF: Record<ErrorCode, GrpcStatus> = {
  [ErrorCode.INVALID_PARAMETER]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCode.UNKNOWN_TASK_TYPE]: GrpcStatus.INVALID_ARGUMENT,
  [ErrorCode.UNAUTHORIZED]: GrpcStatus.UNAUTHENTICATED,
  [ErrorCode.FORBIDDEN]: GrpcStatus.PERMISSION_DENIED,
  [ErrorCode.TASK_NOT_FOUND]: GrpcStatus.NOT_FOUND,
  [ErrorCode.NOT_FOUND]: GrpcStatus.NOT_FOUND,
  [ErrorCode.INVALID_STATE]: GrpcStatus.FAILED_PRECONDITION,
  [ErrorCode.PAYLOAD_TOO_LARGE]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCode.RATE_LIMITED]: GrpcStatus.RESOURCE_EXHAUSTED,
  [ErrorCode.INTERNAL]: GrpcStatus.INTERNAL,
  [ErrorCode.DEPENDENCY_UNAVAILABLE]: GrpcStatus.UNAVAILABLE,
};

export const TM_CODE = 'tm-code';
/** JSON details (e.g. the bad field), binary metadata so any UTF-8 survives. */
export const TM_DETAILS = 'tm-details-bin';

/**
 * A coded error, recognised by shape as well as by class: a config file loaded through its own
 * module graph gives the plugins a second copy of the core, whose classes differ.
 */
function asCodedError(error: unknown): TaskManagerError | undefined {
  if (error instanceof TaskManagerError) return error;
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Partial<TaskManagerError>;
  return typeof candidate.code === 'number' && candidate.code in STATUS_OF ? (error as TaskManagerError) : undefined;
}

export function serviceError(code: ErrorCode, message: string, details?: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(TM_CODE, String(code));
  if (details !== undefined) metadata.set(TM_DETAILS, Buffer.from(JSON.stringify(details), 'utf8'));
  return { code: STATUS_OF[code], details: message, metadata };
}

/** Coded errors keep their code and message; anything else is logged and answered INTERNAL without its stack. */
export function toServiceError(error: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const coded = asCodedError(error);
  if (coded) return serviceError(coded.code, coded.message, coded.details);
  logger.error({ err: error, method }, 'gRPC call failed with an unexpected error');
  return serviceError(ErrorCode.INTERNAL, 'internal error');
}
