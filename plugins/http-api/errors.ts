import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError, type core } from 'zod';
import { ErrorCode, TaskManagerError, type Logger } from '../../core/index.ts';
import { sendError } from './envelope.ts';

export interface FieldProblem {
  path: string;
  message: string;
  /** The batch item the problem is in (`tasks[<index>]…` of POST /tasks/batch). */
  index?: number;
}

/** ['tasks', 3, …] → 3: the batch item a path points into. */
function batchIndex(path: readonly PropertyKey[]): number | undefined {
  return path[0] === 'tasks' && typeof path[1] === 'number' ? path[1] : undefined;
}

function problem(path: readonly PropertyKey[], message: string): FieldProblem {
  const index = batchIndex(path);
  return index === undefined ? { path: formatPath(path), message } : { path: formatPath(path), message, index };
}

/** ['tasks', 3, 'priority'] → "tasks[3].priority": the way a client would write the field. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length === 0 ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** One problem per bad field; an unknown key is reported at its own path. */
export function fieldProblems(issues: readonly core.$ZodIssue[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(problem([...issue.path, key], 'unknown field'));
    } else {
      problems.push(problem(issue.path, issue.message));
    }
  }
  return problems;
}

/** 400 / 40001 naming the first bad field, with every problem in `details`. */
export function validationFailed(c: Context, issues: readonly core.$ZodIssue[]) {
  const problems = fieldProblems(issues);
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  const message = first
    ? `invalid parameter${first.path ? ` ${first.path}` : ''}: ${first.message}${more}`
    : 'invalid parameter';
  return sendError(c, 400, ErrorCode.INVALID_PARAMETER, message, problems);
}

/**
 * A coded error, recognised by shape as well as by class: a config file loaded through its own
 * module graph (tsx's tsImport) gives the plugins a second copy of the core, whose
 * TaskManagerError class differs from the one the services throw.
 */
export function asCodedError(error: unknown): TaskManagerError | undefined {
  if (error instanceof TaskManagerError) return error;
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Partial<TaskManagerError>;
  return typeof candidate.code === 'number' && typeof candidate.httpStatus === 'number'
    ? (error as TaskManagerError)
    : undefined;
}

/**
 * The one place errors become HTTP answers (ARCHITECTURE principle 4). Bad input is never a
 * 500; an unexpected error is logged with the request id and answered without its stack.
 */
export function errorHandler(logger: Logger): ErrorHandler {
  return (error, c) => {
    const coded = asCodedError(error);
    if (coded) return sendError(c, coded.httpStatus as ContentfulStatusCode, coded.code, coded.message, coded.details);
    if (error instanceof ZodError) return validationFailed(c, error.issues);
    if (error instanceof HTTPException) return fromHttpException(c, error);
    logger.error(
      { err: error, req_id: c.get('requestId'), method: c.req.method, path: c.req.path },
      'request failed with an unexpected error',
    );
    return sendError(c, 500, ErrorCode.INTERNAL, 'internal error');
  };
}

function fromHttpException(c: Context, error: HTTPException) {
  switch (error.status) {
    case 400:
      // Hono's JSON validator reports an unparsable body this way.
      return sendError(
        c,
        400,
        ErrorCode.INVALID_PARAMETER,
        /json/i.test(error.message) ? 'request body is not valid JSON' : error.message || 'bad request',
      );
    case 401:
      return sendError(c, 401, ErrorCode.UNAUTHORIZED, 'unauthorized');
    case 413:
      return sendError(c, 413, ErrorCode.PAYLOAD_TOO_LARGE, 'request body is too large');
    case 415:
      return sendError(c, 415, ErrorCode.INVALID_PARAMETER, 'Content-Type must be application/json');
    default: {
      const status = error.status as ContentfulStatusCode;
      const code =
        status >= 500 ? ErrorCode.INTERNAL : status === 404 ? ErrorCode.NOT_FOUND : ErrorCode.INVALID_PARAMETER;
      return sendError(c, status, code, status >= 500 ? 'internal error' : error.message || 'bad request');
    }
  }
}

export const notFoundHandler: NotFoundHandler = (c) =>
  sendError(c, 404, ErrorCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`);
