/**
 * A custom executor plugin, written the way an application would write its own: the
 * `word_count` task type counts the words of `payload.text`, or of the document at
 * `payload.url`, streamed so a large document never sits in memory at once.
 */
import { z } from 'zod';
import {
  definePlugin,
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonObject,
  type JsonValue,
  type Plugin,
  type Task,
} from '../../core/index.ts';

const optionsSchema = z.object({
  /** Words listed in the result, most frequent first. */
  topWords: z.coerce.number().int().min(0).max(100).default(5),
  /** Largest document fetched from `payload.url`, in bytes. */
  maxBytes: z.coerce
    .number()
    .int()
    .min(1)
    .default(10 * 1024 * 1024),
});
export type WordCountOptions = z.input<typeof optionsSchema>;
type Settings = z.output<typeof optionsSchema>;

export interface WordCountResult {
  words: number;
  lines: number;
  bytes: number;
  top: { word: string; count: number }[];
}

/** Counts as it reads; a word cut in two by a chunk boundary is carried to the next chunk. */
class Tally {
  words = 0;
  lines = 0;
  bytes = 0;
  private readonly counts = new Map<string, number>();
  private carry = '';

  add(text: string, byteLength: number): void {
    this.bytes += byteLength;
    const joined = this.carry + text;
    const cut = Math.max(joined.lastIndexOf(' '), joined.lastIndexOf('\n'));
    this.carry = cut === -1 ? joined : joined.slice(cut + 1);
    this.count(cut === -1 ? '' : joined.slice(0, cut + 1));
  }

  finish(topWords: number): WordCountResult {
    this.count(this.carry);
    this.carry = '';
    const top = [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, topWords)
      .map(([word, count]) => ({ word, count }));
    return { words: this.words, lines: this.lines, bytes: this.bytes, top };
  }

  private count(text: string): void {
    this.lines += text.split('\n').length - 1;
    for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}']+/gu)) {
      this.words += 1;
      this.counts.set(match[0], (this.counts.get(match[0]) ?? 0) + 1);
    }
  }
}

class WordCountExecutor implements Executor {
  readonly type = 'word-count';
  readonly taskTypes = ['word_count'];

  constructor(private readonly settings: Settings) {}

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonValue> {
    const tally = new Tally();
    const { text, url } = task.payload;
    if (typeof text === 'string') {
      tally.add(text, Buffer.byteLength(text));
    } else if (typeof url === 'string') {
      await this.read(url, tally, ctx);
    } else {
      // Retrying the same payload cannot succeed.
      throw new NonRetryableError('payload needs "text" (a string) or "url" (an http(s) URL)');
    }
    const result = tally.finish(this.settings.topWords);
    ctx.log(`counted ${result.words} words`);
    return result as unknown as JsonObject;
  }

  private async read(url: string, tally: Tally, ctx: ExecutionContext): Promise<void> {
    ctx.log('fetching', url);
    // The signal aborts the request and the body stream on cancel and on timeout.
    const response = await fetch(url, { signal: ctx.signal });
    if (response.status >= 400 && response.status < 500) {
      throw new NonRetryableError(`GET ${url} answered ${response.status}`);
    }
    if (!response.ok || !response.body) throw new Error(`GET ${url} answered ${response.status}`);
    const total = Number(response.headers.get('content-length')) || undefined;
    const decoder = new TextDecoder();
    let lastPercent = 0;
    for await (const chunk of response.body) {
      tally.add(decoder.decode(chunk, { stream: true }), chunk.byteLength);
      if (tally.bytes > this.settings.maxBytes) {
        throw new NonRetryableError(`document is larger than ${this.settings.maxBytes} bytes`);
      }
      const percent = total ? Math.floor((tally.bytes / total) * 100) : 0;
      if (percent >= lastPercent + 25) {
        lastPercent = percent;
        ctx.progress(percent, `${tally.bytes} bytes read`);
      }
    }
    tally.add(decoder.decode(), 0);
  }
}

/** Registers the `word-count` executor; options come from the `wordCount` config section. */
export function wordCount(options: WordCountOptions = {}): Plugin {
  return definePlugin({
    name: 'executor-word-count',
    setup(ctx) {
      ctx.registerExecutor(new WordCountExecutor(ctx.section('wordCount', optionsSchema, options)));
    },
  });
}
