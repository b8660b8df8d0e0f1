import { InvalidParameterError } from '../../domain/errors.ts';
import type { Task } from '../../domain/task.ts';
import type { TaskFilter } from '../../ports/storage.ts';
import type { TaskService } from './task-service.ts';

export interface NumberedPageRequest {
  /** 1-based; 0 or absent means 1. */
  page?: number;
  /** 1..1000; 0 or absent means DEFAULT_PAGE_SIZE. */
  pageSize?: number;
  /** A `nextCursor` from an earlier page: continues from there instead of counting pages. */
  cursor?: string;
}

export interface NumberedPage {
  items: Task[];
  /** Every task the filter matches, over all pages. */
  total: number;
  nextCursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
/** Page numbers are walked with the keyset cursor; deeper than this, page with the cursor. */
export const MAX_PAGE_OFFSET = 100_000;

const integerRule = (field: string, min: number, max: number, value: number) => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidParameterError(`invalid parameter ${field}: must be an integer from ${min} to ${max}`, {
      field,
      value,
    });
  }
};

/**
 * Page-numbered listing (page, page_size → items + total) over the storage's keyset listing,
 * for clients written against numbered pages. Newest first, like every listing.
 */
export async function listNumberedPage(
  tasks: TaskService,
  filter: TaskFilter,
  request: NumberedPageRequest,
): Promise<NumberedPage> {
  const page = request.page || 1;
  const pageSize = request.pageSize || DEFAULT_PAGE_SIZE;
  integerRule('page', 1, Number.MAX_SAFE_INTEGER, page);
  integerRule('page_size', 1, MAX_PAGE_SIZE, pageSize);
  if (request.cursor && page > 1) {
    throw new InvalidParameterError('invalid parameter page: give page or cursor, not both', { field: 'page' });
  }
  const offset = (page - 1) * pageSize;
  if (offset > MAX_PAGE_OFFSET) {
    throw new InvalidParameterError(
      `invalid parameter page: (page - 1) × page_size must be at most ${MAX_PAGE_OFFSET}; page further with the cursor`,
      { field: 'page' },
    );
  }

  // Counted while the pages are walked; Promise.all so a failure of either is the answer.
  const [total, found] = await Promise.all([
    tasks.count(filter),
    pageAt(tasks, filter, offset, pageSize, request.cursor || undefined),
  ]);
  return found.nextCursor === undefined
    ? { items: found.items, total }
    : { items: found.items, total, nextCursor: found.nextCursor };
}

/** The page `offset` rows into the listing: skipped with the keyset cursor, 1000 rows a step. */
async function pageAt(
  tasks: TaskService,
  filter: TaskFilter,
  offset: number,
  pageSize: number,
  start: string | undefined,
) {
  let cursor = start;
  for (let skip = offset; skip > 0; ) {
    const skipped = await tasks.list(filter, { limit: Math.min(skip, MAX_PAGE_SIZE), cursor });
    skip -= skipped.items.length;
    cursor = skipped.nextCursor;
    if (cursor === undefined) return { items: [] as Task[] };
  }
  return tasks.list(filter, { limit: pageSize, cursor });
}
