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

/**
 * The status message and the details travel in HTTP/2 trailers, which clients cap (8 KiB of
 * metadata by default in grpc-js): an error echoing a huge input (a 70 KB task id) would
 * break the client's connection instead of reaching it. Both are bounded.
 */
const MAX_MESSAGE_CHARS = 1_024;
const MAX_DETAILS_BYTES = 2_048;

function boundedMessage(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS
    ? message
    : `${message.slice(0, MAX_MESSAGE_CHARS)}… (${message.length - MAX_MESSAGE_CHARS} more characters)`;
}

export function serviceError(code: ErrorCode, message: string, details?: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(TM_CODE, String(code));
  const detailsJson = details === undefined ? undefined : Buffer.from(JSON.stringify(details), 'utf8');
  if (detailsJson && detailsJson.length <= MAX_DETAILS_BYTES) metadata.set(TM_DETAILS, detailsJson);
  return { code: STATUS_OF[code], details: boundedMessage(message), metadata };
}

/** Coded errors keep their code and message; anything else is logged and answered INTERNAL without its stack. */
export function toServiceError(error: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const coded = asCodedError(error);
  if (coded) return serviceError(coded.code, coded.message, coded.details);
  logger.error({ err: error, method }, 'gRPC call failed with an unexpected error');
  return serviceError(ErrorCode.INTERNAL, 'internal error');
}
