/** Server-Sent Events from GET /api/v1/events: each event is only a hint to re-read the task. */

/** Calls `onEvent` for every event (a block with a `data:` line) until the stream ends. */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: () => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const blocks = buffer.split(/\r?\n\r?\n/);
      buffer = blocks.pop() ?? '';
      // Comment-only blocks (": keep-alive") change nothing.
      for (const block of blocks) if (/^data:/m.test(block)) onEvent();
    }
  } finally {
    reader.releaseLock();
  }
}
