import type { JsonValue } from '../../core/index.ts';

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Reads at most `limit` bytes of the body (a huge answer must not bloat the task row),
 * then cancels the rest of the stream.
 */
export async function readLimitedText(
  response: Response,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > limit) {
        chunks.push(value.subarray(0, limit - size));
        size = limit;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  // A multi-byte character cut at the limit decodes as U+FFFD rather than throwing.
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  return { text, truncated };
}

function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || mime.endsWith('+json');
}

/** JSON when the server says so and the text parses (untruncated); otherwise the text itself. */
export async function readResponseBody(response: Response, limit: number): Promise<JsonValue> {
  const { text, truncated } = await readLimitedText(response, limit);
  if (!truncated && text.length > 0 && isJsonContentType(response.headers.get('content-type'))) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}

export function excerpt(body: JsonValue, max = 200): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
