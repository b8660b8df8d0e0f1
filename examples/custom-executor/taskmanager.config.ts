/**
 * An app with one custom task type, `word_count`, served by ./plugin.ts.
 *
 *   npx taskmanager start --config examples/custom-executor/taskmanager.config.ts
 */
import { defineConfig } from '../../core/index.ts';
import { httpApi } from '../../plugins/http-api/index.ts';
import { loadBalancers } from '../../plugins/load-balancers/index.ts';
import { memoryQueue } from '../../plugins/queue-memory/index.ts';
import { memoryStorage } from '../../plugins/storage-memory/index.ts';
import { wordCount } from './plugin.ts';

export default defineConfig({
  app: { name: 'word-count-example', port: 8080 },
  scheduler: { scanInterval: '50ms' },
  worker: { capacity: 4, takeWait: '200ms' },
  taskTypes: [
    {
      taskType: 'word_count',
      taskName: 'Count the words of a text or a URL',
      executorType: 'word-count',
      defaultTimeout: 60,
      defaultMaxRetry: 2,
      retryStrategy: 'EXPONENTIAL',
      retryDelay: 1,
    },
  ],
  plugins: [memoryStorage(), memoryQueue(), loadBalancers(), httpApi(), wordCount({ topWords: 3 })],
});
