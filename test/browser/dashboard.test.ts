/**
 * The dashboard at /ui in headless Chromium against `taskmanager start` with the embedded
 * default: what a person sees, live, without reloading; filters; a task's detail and log
 * timeline; cancelling a running task with the button; the keyboard; a phone-width screen;
 * no layout shift while data changes; and no request leaving the server.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeProcess } from '../e2e/support/node-process.ts';
import { chromiumInstalled, launchBrowser, openPage, type TestPage } from './support/browser.ts';
import { api, startEmbedded } from './support/server.ts';

let server: NodeProcess;
let browser: Browser;
let run = 0;
const uniqueKey = (label: string) => `ui-${label}-${Date.now()}-${run++}`;

const createTask = (body: Record<string, unknown>) => api<{ task_id: string }>(server, 'POST', '/api/v1/tasks', body);

/** Marks the document, so a test can prove the page was not reloaded. */
const markDocument = (page: Page) =>
  page.evaluate(() => ((window as unknown as { marker: string }).marker = 'still here'));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { marker?: string }).marker === 'still here');

async function open(hash: string, viewport?: { width: number; height: number }): Promise<TestPage> {
  const opened = await openPage(browser, server.url, viewport);
  await opened.page.goto(`${server.url}/ui${hash}`);
  await opened.page
    .getByTestId('live-status')
    .filter({ hasText: /^Live$/ })
    .waitFor();
  return opened;
}

/** Text of the number under a label in the overview (e.g. the SUCCESS count). */
async function overviewNumber(page: Page, label: string): Promise<number> {
  const text = await page
    .locator('.number', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd')
    .textContent();
  return Number((text ?? '').replace(/[^\d]/g, ''));
}

// One browser for the whole file; each describe has its own server.
beforeAll(async () => {
  if (chromiumInstalled) browser = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!chromiumInstalled)('the dashboard at /ui in Chromium', () => {
  beforeAll(async () => {
    server = await startEmbedded('ui');
  }, 60_000);

  afterAll(async () => {
    await server?.kill('SIGTERM');
  });

  it('shows the live overview and updates its counts as tasks are created, without a reload', async () => {
    const { page, external, errors, close } = await open('#/');
    try {
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.waitForFunction(() =>
        document.querySelector('[data-testid="leader"]')?.textContent?.startsWith('scheduler-'),
      );
      expect(await page.getByTestId('workers-online').textContent()).toMatch(/^1\s+of 1$/);
      await page.waitForFunction(() => !document.querySelector('.number dd')?.textContent?.includes('—'));
      const before = await overviewNumber(page, 'SUCCESS');
      await markDocument(page);
      for (let i = 0; i < 3; i++) await createTask({ task_type: 'echo', payload: { i } });
      await page.waitForFunction(
        (expected) => {
          const success = [...document.querySelectorAll('.number')].find(
            (n) => n.querySelector('dt')?.textContent === 'SUCCESS',
          );
          return Number(success?.querySelector('dd')?.textContent?.replace(/[^\d]/g, '')) >= expected;
        },
        before + 3,
        { timeout: 5_000 },
      );
      expect(await stillSameDocument(page)).toBe(true);
      // Three completions since the page opened: the throughput figure moved off zero.
      await page.waitForFunction(
        () => document.querySelector('[data-testid="throughput"]')?.textContent !== '0.0 tasks/s',
        undefined,
        { timeout: 3_000 },
      );
      expect(external).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows new tasks in the list as they are created, and filters by type and status', async () => {
    const { page, errors, close } = await open('#/tasks');
    try {
      await page.getByRole('heading', { name: 'Tasks' }).waitFor();
      await markDocument(page);
      const sleeper = uniqueKey('list');
      await createTask({ task_type: 'sleep', payload: { ms: 60_000 }, idempotency_key: sleeper });
      const row = page.locator(`tr[data-task-id="${sleeper}"]`);
      await row.waitFor({ timeout: 5_000 });
      await row.locator('.badge', { hasText: 'PROCESSING' }).waitFor({ timeout: 5_000 });
      expect(await stillSameDocument(page)).toBe(true);

      const failing = uniqueKey('list-fail');
      await createTask({ task_type: 'fail', payload: { message: 'filtered' }, max_retry: 0, idempotency_key: failing });
      await page.getByLabel('Type').selectOption('fail');
      await page.waitForFunction(() => location.hash.includes('task_type=fail'));
      await page.locator(`tr[data-task-id="${failing}"]`).waitFor();
      const types = await page.locator('tbody td[data-label="Type"]').allTextContents();
      expect(types.length).toBeGreaterThan(0);
      expect(new Set(types)).toEqual(new Set(['fail']));

      await page.getByLabel('Status').selectOption('SUCCESS');
      await page.waitForFunction(() => location.hash.includes('status=SUCCESS'));
      await page.locator(`tr[data-task-id="${failing}"]`).waitFor({ state: 'detached' });
      await page.getByLabel('Status').selectOption('FAILED,TIMEOUT');
      await page.locator(`tr[data-task-id="${failing}"]`).waitFor();
      // The filters live in the URL: a reload keeps them.
      await page.reload();
      await page.locator(`tr[data-task-id="${failing}"]`).waitFor();
      expect(await page.getByLabel('Type').inputValue()).toBe('fail');
      await api(server, 'POST', `/api/v1/tasks/${sleeper}/cancel`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("opens a task's detail from the list and reads its payload, result and log timeline", async () => {
    const key = uniqueKey('detail');
    await createTask({ task_type: 'echo', payload: { greeting: 'hello from the test' }, idempotency_key: key });
    const { page, errors, close } = await open(`#/tasks?task_type=echo`);
    try {
      await page.locator(`tr[data-task-id="${key}"] a`).click();
      await page.getByRole('heading', { name: 'Task' }).waitFor();
      await page.getByTestId('task-status').getByText('SUCCESS').waitFor();
      expect(await page.locator('section[aria-label="Payload"]').textContent()).toContain(
        '"greeting": "hello from the test"',
      );
      expect(await page.locator('section[aria-label="Result"]').textContent()).toContain('hello from the test');
      const timeline = page.getByTestId('timeline').locator('li');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="timeline"] li').length === 3);
      const lines = await timeline.allTextContents();
      expect(lines[0]).toMatch(/∅ → PENDING[\s\S]*Task created/);
      expect(lines[1]).toMatch(/PENDING → PROCESSING[\s\S]*Task assigned to worker/);
      expect(lines[2]).toMatch(/PROCESSING → SUCCESS/);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('cancels a running sleep task with the button and shows CANCELLED without a reload', async () => {
    const key = uniqueKey('cancel');
    await createTask({ task_type: 'sleep', payload: { ms: 60_000 }, idempotency_key: key });
    const { page, errors, close } = await open(`#/tasks/${key}`);
    try {
      await page.getByTestId('task-status').getByText('PROCESSING').waitFor({ timeout: 5_000 });
      await markDocument(page);
      const cancel = page.getByRole('button', { name: 'Cancel task' });
      expect(await cancel.isEnabled()).toBe(true);
      await cancel.click();
      await page.getByTestId('task-status').getByText('CANCELLED').waitFor({ timeout: 5_000 });
      await page.getByTestId('timeline').getByText('PROCESSING → CANCELLED').waitFor();
      expect(await cancel.isDisabled()).toBe(true);
      expect(await stillSameDocument(page)).toBe(true);
      expect((await api<{ status: string }>(server, 'GET', `/api/v1/tasks/${key}`)).status).toBe('CANCELLED');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('follows a task cancelled elsewhere (through the API) while its page is open', async () => {
    const key = uniqueKey('remote-cancel');
    await createTask({ task_type: 'sleep', payload: { ms: 60_000 }, idempotency_key: key });
    const { page, close } = await open(`#/tasks/${key}`);
    try {
      await page.getByTestId('task-status').getByText('PROCESSING').waitFor({ timeout: 5_000 });
      await api(server, 'POST', `/api/v1/tasks/${key}/cancel`);
      await page.getByTestId('task-status').getByText('CANCELLED').waitFor({ timeout: 5_000 });
    } finally {
      await close();
    }
  });

  it('reaches the main controls with the keyboard alone', async () => {
    const key = uniqueKey('keys');
    await createTask({ task_type: 'sleep', payload: { ms: 60_000 }, idempotency_key: key });
    const { page, close } = await open('#/tasks?task_type=sleep');
    try {
      await page.locator(`tr[data-task-id="${key}"]`).waitFor();
      const reached: string[] = [];
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        reached.push(
          await page.evaluate(() => {
            const el = document.activeElement as HTMLElement | null;
            if (!el) return '';
            const label = el.closest('label')?.firstChild?.textContent?.trim();
            return `${el.tagName.toLowerCase()}:${label ?? el.textContent?.trim() ?? ''}`;
          }),
        );
      }
      for (const expected of [
        'a:Overview',
        'a:Tasks',
        'a:Workers',
        'a:Task types',
        'select:Status',
        'select:Type',
        'select:Priority',
        'input:Worker',
        'input:Created from',
      ]) {
        expect(reached, expected).toContain(expected);
      }
      expect(reached.some((r) => r.startsWith('a:') && r.includes(key.slice(0, 8)))).toBe(true);

      // Enter on the focused task link opens it; Tab reaches the Cancel button, Enter presses it.
      await page.locator(`tr[data-task-id="${key}"] a`).focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('task-status').getByText('PROCESSING').waitFor({ timeout: 5_000 });
      let onCancel = false;
      for (let i = 0; i < 20 && !onCancel; i++) {
        await page.keyboard.press('Tab');
        onCancel = await page.evaluate(() => document.activeElement?.textContent === 'Cancel task');
      }
      expect(onCancel).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByTestId('task-status').getByText('CANCELLED').waitFor({ timeout: 5_000 });
    } finally {
      await close();
    }
  });

  it('has no horizontal scroll on a phone-width screen, on every view', async () => {
    const key = uniqueKey('phone');
    await createTask({ task_type: 'echo', payload: { long: 'x'.repeat(400) }, idempotency_key: key });
    const { page, close } = await open('#/', { width: 360, height: 740 });
    try {
      for (const hash of ['#/', '#/tasks', `#/tasks/${key}`, '#/workers', '#/types']) {
        await page.evaluate((h) => (location.hash = h), hash);
        await page.waitForFunction(
          () => document.querySelector('main h1')?.textContent !== '' && !document.querySelector('[aria-busy="true"]'),
        );
        await page.waitForTimeout(50);
        const [scrollWidth, clientWidth] = await page.evaluate(() => [
          document.documentElement.scrollWidth,
          document.documentElement.clientWidth,
        ]);
        expect(scrollWidth, hash).toBeLessThanOrEqual(clientWidth);
      }
    } finally {
      await close();
    }
  });

  it('does not shift the layout while live data changes the overview and the task list', async () => {
    for (const hash of ['#/', '#/tasks']) {
      const { page, close } = await open(hash);
      try {
        await page.waitForFunction(
          () => !document.querySelector('.number dd')?.textContent?.includes('—') || document.querySelector('tbody tr'),
        );
        await page.waitForTimeout(300);
        await page.evaluate(() => {
          const shifts: number[] = [];
          (window as unknown as { shifts: number[] }).shifts = shifts;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & {
              value: number;
              hadRecentInput: boolean;
            })[]) {
              if (!entry.hadRecentInput) shifts.push(entry.value);
            }
          }).observe({ type: 'layout-shift' });
        });
        const keys = [uniqueKey('shift'), uniqueKey('shift')];
        for (const key of keys) await createTask({ task_type: 'echo', payload: {}, idempotency_key: key });
        await createTask({ task_type: 'fail', payload: { message: 'shift' }, max_retry: 0 });
        if (hash === '#/tasks') await page.locator(`tr[data-task-id="${keys[1]}"]`).waitFor();
        else await page.waitForTimeout(1_500);
        const shifts = await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts);
        expect(
          shifts.reduce((sum, value) => sum + value, 0),
          `${hash}: ${JSON.stringify(shifts)}`,
        ).toBeLessThan(0.01);
      } finally {
        await close();
      }
    }
  });

  it('hides the views of features this server does not have', async () => {
    const { page, close } = await open('#/types');
    try {
      await page.locator('tr[data-task-type="sleep"]').waitFor();
      expect(await page.getByRole('link', { name: 'Schedules' }).count()).toBe(0);
      expect(await page.getByRole('columnheader', { name: 'Paused' }).count()).toBe(0);
      expect(await page.getByRole('columnheader', { name: 'Rate limit' }).count()).toBe(0);
    } finally {
      await close();
    }
  });

  it('cancels and retries every matching task with the bulk buttons (this server offers them)', async () => {
    const waiting = [uniqueKey('bulk-a'), uniqueKey('bulk-b')];
    for (const key of waiting)
      await createTask({ task_type: 'sleep', payload: { ms: 1 }, delay: 3_600, idempotency_key: key });
    const failed = uniqueKey('bulk-fail');
    await createTask({ task_type: 'fail', payload: { message: 'no' }, max_retry: 0, idempotency_key: failed });
    const { page, errors, close } = await open('#/tasks?status=PENDING&task_type=sleep');
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await page.locator(`tr[data-task-id="${waiting[1]}"]`).waitFor({ timeout: 5_000 });
      await page.getByRole('button', { name: 'Cancel all matching' }).click();
      await page.getByText(/^\d+ tasks? cancelled\.$/).waitFor({ timeout: 5_000 });
      for (const key of waiting)
        expect((await api<{ status: string }>(server, 'GET', `/api/v1/tasks/${key}`)).status).toBe('CANCELLED');

      await expect
        .poll(async () => (await api<{ status: string }>(server, 'GET', `/api/v1/tasks/${failed}`)).status, {
          timeout: 5_000,
        })
        .toBe('FAILED');
      await page.evaluate(() => (location.hash = '#/tasks?status=FAILED&task_type=fail'));
      await page.locator(`tr[data-task-id="${failed}"]`).waitFor({ timeout: 5_000 });
      await page.getByRole('button', { name: 'Retry all matching' }).click();
      await page.getByText(/^\d+ tasks? queued for retry\.$/).waitFor({ timeout: 5_000 });
      const logs = await api<{ message: string }[]>(server, 'GET', `/api/v1/tasks/${failed}/logs`);
      expect(logs.map((l) => l.message)).toContain('Task manually retried');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("shows a task's dependencies as links, and follows one", async () => {
    const first = uniqueKey('dep-first');
    const second = uniqueKey('dep-second');
    await createTask({ task_type: 'sleep', payload: { ms: 60_000 }, idempotency_key: first });
    await createTask({ task_type: 'echo', payload: {}, idempotency_key: second, depends_on: [first] });
    const { page, errors, close } = await open(`#/tasks/${second}`);
    try {
      const link = page.locator('dd a.dep', { hasText: first });
      await link.waitFor({ timeout: 5_000 });
      expect(await page.getByTestId('task-status').textContent()).toContain('PENDING');
      await link.click();
      await page.getByTestId('task-status').getByText('PROCESSING').waitFor({ timeout: 5_000 });
      expect(page.url()).toContain(`#/tasks/${first}`);
      await api(server, 'POST', `/api/v1/tasks/${first}/cancel`);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('serves /docs from the product: the API reference renders with no internet', async () => {
    const { page, external, errors, close } = await openPage(browser, server.url);
    try {
      await page.goto(`${server.url}/docs`);
      await page
        .locator('.swagger-ui .opblock-summary-path', { hasText: '/api/v1/tasks' })
        .first()
        .waitFor({ timeout: 10_000 });
      expect(await page.locator('.swagger-ui .title').first().textContent()).toContain('async-task-manager API');
      expect(
        await page.locator('.swagger-ui .opblock-summary-path', { hasText: '/api/v1/events' }).count(),
      ).toBeGreaterThan(0);
      expect(external).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe.skipIf(!chromiumInstalled)('the dashboard with API keys', () => {
  let secured: NodeProcess;
  beforeAll(async () => {
    secured = await startEmbedded('ui-keys', { TM_HTTP_API_KEYS: 'ui-secret' });
  }, 60_000);
  afterAll(async () => {
    await secured?.kill('SIGTERM');
  });

  it('asks for a key, refuses a wrong one, and keeps the right one for this browser session only', async () => {
    const first = await openPage(browser, secured.url);
    try {
      const { page } = first;
      await page.goto(`${secured.url}/ui`);
      await page.getByRole('heading', { name: 'API key needed' }).waitFor();
      expect(await page.getByTestId('live-status').textContent()).toBe('Not live');
      await page.getByLabel('API key', { exact: true }).fill('wrong');
      await page.getByRole('button', { name: 'Open the dashboard' }).click();
      await page.getByRole('alert').getByText('That key was refused.').waitFor();

      await page.getByLabel('API key', { exact: true }).fill('ui-secret');
      await page.getByRole('button', { name: 'Open the dashboard' }).click();
      await page
        .getByTestId('live-status')
        .filter({ hasText: /^Live$/ })
        .waitFor();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('taskmanager.apiKey'))).toBe('ui-secret');
      expect(await page.evaluate(() => localStorage.length)).toBe(0);

      // Live with the key: a task created through the API shows up.
      const key = uniqueKey('secured');
      await page.evaluate(() => (location.hash = '#/tasks'));
      await api(
        secured,
        'POST',
        '/api/v1/tasks',
        { task_type: 'echo', payload: {}, idempotency_key: key },
        { authorization: 'Bearer ui-secret' },
      );
      await page.locator(`tr[data-task-id="${key}"]`).waitFor({ timeout: 5_000 });

      // A reload in the same tab keeps it; "Forget key" drops it.
      await page.reload();
      await page
        .getByTestId('live-status')
        .filter({ hasText: /^Live$/ })
        .waitFor();
      await page.getByRole('button', { name: 'Forget key' }).click();
      await page.getByRole('heading', { name: 'API key needed' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('taskmanager.apiKey'))).toBeNull();
      expect(first.external).toEqual([]);
    } finally {
      await first.close();
    }

    // Another browser session starts without it.
    const second = await openPage(browser, secured.url);
    try {
      await second.page.goto(`${secured.url}/ui`);
      await second.page.getByRole('heading', { name: 'API key needed' }).waitFor();
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(!chromiumInstalled)('views for features a newer server has', () => {
  // This server has no schedules, pause/resume or rate limits yet (bulk actions it has: tested above). Their views are
  // checked against the documented shapes (plugins/dashboard/README.md), answered here by the
  // test in front of the real server; everything else is the real server's.
  let plain: NodeProcess;
  beforeAll(async () => {
    plain = await startEmbedded('ui-features');
  }, 60_000);
  afterAll(async () => {
    await plain?.kill('SIGTERM');
  });

  it('shows schedules, pause / resume, rate limits and bulk actions when the server offers them', async () => {
    const { page, context, close } = await openPage(browser, plain.url);
    const calls: string[] = [];
    const extraPaths = {
      '/api/v1/tasks/retry': { post: {} },
      '/api/v1/tasks/cancel': { post: {} },
      '/api/v1/task-types/{type}/pause': { post: {} },
      '/api/v1/task-types/{type}/resume': { post: {} },
      '/api/v1/schedules': { get: {} },
      '/api/v1/schedules/{id}/pause': { post: {} },
      '/api/v1/schedules/{id}/resume': { post: {} },
    };
    const ok = (data: unknown) => ({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ code: 0, message: 'success', data }),
    });
    await context.route(`${plain.url}/openapi.json`, async (route) => {
      const document = (await (await route.fetch()).json()) as { paths: Record<string, unknown> };
      await route.fulfill({ json: { ...document, paths: { ...document.paths, ...extraPaths } } });
    });
    await context.route(`${plain.url}/api/v1/task-types`, async (route) => {
      const answer = (await (await route.fetch()).json()) as { data: { task_type: string }[] };
      const data = answer.data.map((t) => ({
        ...t,
        paused: t.task_type === 'fail',
        rate_limit: t.task_type === 'sleep' ? { max: 5, per_seconds: 60 } : null,
      }));
      await route.fulfill(ok(data));
    });
    await context.route(`${plain.url}/api/v1/schedules`, (route) =>
      route.fulfill(
        ok([
          {
            schedule_id: 'nightly-report',
            cron: '0 3 * * *',
            timezone: 'Europe/Paris',
            task: { task_type: 'echo' },
            enabled: true,
            next_run_at: new Date(Date.now() + 3_600_000).toISOString(),
          },
        ]),
      ),
    );
    await context.route(/\/api\/v1\/(task-types\/[^/]+|schedules\/[^/]+)\/(pause|resume)$/, (route) => {
      calls.push(`${route.request().method()} ${new URL(route.request().url()).pathname}`);
      return route.fulfill(ok({}));
    });
    await context.route(/\/api\/v1\/tasks\/(retry|cancel)$/, (route) => {
      calls.push(
        `${route.request().method()} ${new URL(route.request().url()).pathname} ${route.request().postData()}`,
      );
      return route.fulfill(ok({ count: 2 }));
    });
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await page.goto(`${plain.url}/ui#/types`);
      await page.getByRole('link', { name: 'Schedules' }).waitFor();
      await page.getByRole('columnheader', { name: 'Paused' }).waitFor();
      expect(await page.locator('tr[data-task-type="sleep"] td[data-label="Rate limit"]').textContent()).toBe(
        '5 per 60 s',
      );
      expect(await page.locator('tr[data-task-type="fail"] td[data-label="Paused"]').textContent()).toMatch(/^paused/);
      await page.locator('tr[data-task-type="sleep"]').getByRole('button', { name: 'Pause sleep' }).click();
      await page.getByText('sleep paused.').waitFor();
      await page.locator('tr[data-task-type="fail"]').getByRole('button', { name: 'Resume fail' }).click();
      await page.getByText('fail resumed.').waitFor();

      await page.getByRole('link', { name: 'Schedules' }).click();
      await page.locator('tr[data-schedule-id="nightly-report"]').getByText('0 3 * * *').waitFor();
      expect(
        await page.locator('tr[data-schedule-id="nightly-report"] td[data-label="Next run"]').textContent(),
      ).toMatch(/^in \d+ (min|h)/);
      await page
        .locator('tr[data-schedule-id="nightly-report"]')
        .getByRole('button', { name: 'Pause nightly-report' })
        .click();
      await page.getByText('nightly-report paused.').waitFor();

      await page.evaluate(() => (location.hash = '#/tasks?status=FAILED&task_type=fail'));
      await page.getByRole('button', { name: 'Retry all matching' }).click();
      await page.getByText('2 tasks queued for retry.').waitFor();
      expect(calls).toEqual([
        'POST /api/v1/task-types/sleep/pause',
        'POST /api/v1/task-types/fail/resume',
        'POST /api/v1/schedules/nightly-report/pause',
        'POST /api/v1/tasks/retry {"filter":{"status":"FAILED","task_type":"fail"}}',
      ]);
    } finally {
      await close();
    }
  });
});
