import { useState } from 'preact/hooks';
import { ApiError, apiKey, call } from '../api.ts';

/** Asks for an API key when the server wants one; it is kept for this browser tab only (sessionStorage). */
export function Login({ refused }: { refused: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(refused ? 'That key was refused.' : '');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate) return;
    setBusy(true);
    setError('');
    try {
      // Checked before it is kept, so a typo is told here rather than as empty pages.
      await fetch('/api/v1/stats', { headers: { authorization: `Bearer ${candidate}` } }).then(async (response) => {
        if (response.status === 401) throw new ApiError(401, 40101, 'That key was refused.');
        if (!response.ok) throw new ApiError(response.status, 0, `The server answered ${response.status}.`);
      });
      apiKey.set(candidate);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login card" onSubmit={submit} aria-label="Sign in with an API key">
      <p>This server has API keys configured. The key is kept in this browser tab only, until you close it.</p>
      <label>
        API key
        <input
          type="password"
          name="api-key"
          autoComplete="off"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          required
        />
      </label>
      <button type="submit" disabled={busy}>
        Open the dashboard
      </button>
      <p class="error-line" role="alert">
        {error}
      </p>
    </form>
  );
}

/** Probes whether the server needs a key that we do not have (or have wrong). */
export async function needsKey(): Promise<boolean> {
  try {
    await call('/api/v1/stats', { quiet401: true });
    return false;
  } catch (error) {
    return error instanceof ApiError && error.status === 401;
  }
}
