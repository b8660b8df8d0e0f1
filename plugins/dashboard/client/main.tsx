/**
 * The dashboard's page: asks for an API key when the server wants one, opens the live event
 * stream, and shows the view the URL's hash names. Served at /ui by plugins/dashboard.
 */
import { render, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiKey, onUnauthorized } from './api.ts';
import { loadCapabilities, NO_CAPABILITIES, type Capabilities } from './capabilities.ts';
import { useLiveStatus } from './hooks.ts';
import { live, type LiveStatus } from './live.ts';
import './meter.ts';
import { href, useRoute, type Route } from './router.ts';
import { Login, needsKey } from './views/login.tsx';
import { Overview } from './views/overview.tsx';
import { SchedulesView } from './views/schedules.tsx';
import { TaskDetail } from './views/task-detail.tsx';
import { TaskTypesView } from './views/task-types.tsx';
import { TasksView } from './views/tasks.tsx';
import { WorkersView } from './views/workers.tsx';

type Access = 'checking' | 'open' | 'needed' | 'refused';

const LIVE_LABELS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stopped: 'Not live',
};

function App() {
  const route = useRoute();
  const [access, setAccess] = useState<Access>('checking');
  const [capabilities, setCapabilities] = useState<Capabilities>(NO_CAPABILITIES);
  const [hasKey, setHasKey] = useState(apiKey.get() !== null);
  const liveStatus = useLiveStatus();

  useEffect(() => {
    let disposed = false;
    const check = async () => {
      setHasKey(apiKey.get() !== null);
      if (await needsKey()) {
        live.stop();
        if (!disposed) setAccess(apiKey.get() ? 'refused' : 'needed');
        return;
      }
      if (disposed) return;
      setAccess('open');
      live.start();
      setCapabilities(await loadCapabilities());
    };
    void check();
    const offKey = apiKey.onChange(() => void check());
    const offUnauthorized = onUnauthorized(() => {
      live.stop();
      setAccess(apiKey.get() ? 'refused' : 'needed');
    });
    return () => {
      disposed = true;
      offKey();
      offUnauthorized();
      live.stop();
    };
  }, []);

  const [section = 'overview', id] = route.segments;
  const title = access === 'needed' || access === 'refused' ? 'API key needed' : titleOf(section, id);
  useEffect(() => {
    document.title = `${title} · Task manager`;
  }, [title]);

  const sections: [string, string][] = [
    ['overview', 'Overview'],
    ['tasks', 'Tasks'],
    ['workers', 'Workers'],
    ['types', 'Task types'],
    ...(capabilities.schedules ? [['schedules', 'Schedules'] as [string, string]] : []),
  ];

  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href={href([])}>
          Task manager
        </a>
        <nav aria-label="Sections" class="sections">
          {sections.map(([name, label]) => (
            <a
              key={name}
              href={href(name === 'overview' ? [] : [name])}
              aria-current={section === name ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <span class={`live live-${access === 'open' ? liveStatus : 'stopped'}`} role="status" data-testid="live-status">
          {LIVE_LABELS[access === 'open' ? liveStatus : 'stopped']}
        </span>
        {hasKey && (
          <button type="button" class="secondary small" onClick={() => apiKey.clear()}>
            Forget key
          </button>
        )}
      </header>
      <Main title={title} routeKey={`${section}/${id ?? ''}`}>
        {access === 'checking' && <p class="hint">Connecting…</p>}
        {(access === 'needed' || access === 'refused') && <Login refused={access === 'refused'} />}
        {access === 'open' && <View route={route} section={section} id={id} capabilities={capabilities} />}
      </Main>
    </>
  );
}

/** The main region; its heading takes the focus when the view changes, so keyboard and screen-reader users land on it. */
function Main({ title, routeKey, children }: { title: string; routeKey: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [routeKey]);
  return (
    <main id="main" tabIndex={-1}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </main>
  );
}

function View({
  route,
  section,
  id,
  capabilities,
}: {
  route: Route;
  section: string;
  id: string | undefined;
  capabilities: Capabilities;
}) {
  switch (section) {
    case 'overview':
      return <Overview />;
    case 'tasks':
      return id ? <TaskDetail taskId={id} /> : <TasksView route={route} capabilities={capabilities} />;
    case 'workers':
      return <WorkersView />;
    case 'types':
      return <TaskTypesView capabilities={capabilities} />;
    case 'schedules':
      return <SchedulesView capabilities={capabilities} />;
    default:
      return (
        <p class="empty">
          No such page. <a href={href([])}>Overview</a>
        </p>
      );
  }
}

function titleOf(section: string, id: string | undefined): string {
  if (section === 'tasks' && id) return 'Task';
  return (
    { overview: 'Overview', tasks: 'Tasks', workers: 'Workers', types: 'Task types', schedules: 'Schedules' }[
      section
    ] ?? 'Not found'
  );
}

render(<App />, document.getElementById('app')!);
