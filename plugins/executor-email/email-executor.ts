import {
  NonRetryableError,
  type ExecutionContext,
  type Executor,
  type JsonValue,
  type Task,
} from '../../core/index.ts';
import { sendEmailPayloadSchema } from './email-options.ts';
import type { EmailTransport } from './transports.ts';

/** The `email` executor (seed §7.2 EmailExecutor): task type `send_email`. */
export class EmailExecutor implements Executor {
  readonly type = 'email';
  readonly taskTypes = ['send_email'] as const;

  constructor(private readonly transport: EmailTransport) {}

  async execute(task: Task, ctx: ExecutionContext): Promise<JsonValue> {
    const parsed = sendEmailPayloadSchema.safeParse(task.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NonRetryableError(`payload.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    const sent = await this.transport.send(parsed.data, ctx.signal);
    ctx.log(`Email sent via ${this.transport.kind}`, sent.message_id);
    return sent;
  }

  close(): void {
    this.transport.close();
  }
}
