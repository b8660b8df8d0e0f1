import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isNonRetryable, NonRetryableError, type Executor } from '../../core/index.ts';
import { emailExecutor, type EmailOptions } from './index.ts';
import { createFakePluginContext, type FakePluginContext } from '../../test/helpers/fake-plugin-context.ts';
import { makeExecutionContext, makeTask } from '../../test/helpers/plugin-fixtures.ts';

async function setUp(options: EmailOptions = {}, section: Record<string, unknown> = {}) {
  const ctx: FakePluginContext = createFakePluginContext({ email: section });
  await emailExecutor(options).setup?.(ctx);
  return { ctx, executor: ctx.executors[0] as Executor };
}

const mail = { to: 'ada@example.com', subject: 'Hello', body: 'Welcome aboard.' };

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A minimal SMTP server (enough of RFC 5321 for one plain-text message) so the SMTP path is
 * tested against a real socket; it records what it received and rejects one mailbox.
 */
async function startSmtpServer() {
  const received: { rcpt: string[]; data: string }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let current = { rcpt: [] as string[], data: '' };
    socket.write('220 test.local ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push(current);
            current = { rcpt: [], data: '' };
            socket.write('250 2.0.0 queued\r\n');
          } else current.data += `${line}\n`;
          continue;
        }
        const command = line.slice(0, 4).toUpperCase();
        if (command === 'EHLO' || command === 'HELO') socket.write('250 test.local\r\n');
        else if (command === 'MAIL') socket.write('250 2.1.0 ok\r\n');
        else if (command === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          if (address.startsWith('nobody@')) socket.write('550 5.1.1 no such user\r\n');
          else {
            current.rcpt.push(address);
            socket.write('250 2.1.5 ok\r\n');
          }
        } else if (command === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (command === 'QUIT') socket.end('221 bye\r\n');
        else if (command === 'RSET' || command === 'NOOP') socket.write('250 ok\r\n');
        else socket.write('502 5.5.2 not implemented\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('executor-email', () => {
  it('registers type email for send_email', async () => {
    const { executor } = await setUp();
    expect(executor.type).toBe('email');
    expect([...executor.taskTypes]).toEqual(['send_email']);
  });

  it('demo transport returns a message id and the accepted recipient', async () => {
    const { executor } = await setUp();
    const execution = makeExecutionContext();
    const result = (await executor.execute(makeTask({ taskType: 'send_email', payload: mail }), execution)) as {
      message_id: string;
      accepted: string[];
    };
    expect(result.message_id).toMatch(/^<[0-9a-f-]{36}@async-task-manager\.local>$/);
    expect(result.accepted).toEqual(['ada@example.com']);
    expect(execution.logs[0]?.detail).toBe(result.message_id);
  });

  it.each([
    [{ ...mail, to: 'not-an-address' }, 'payload.to'],
    [{ to: mail.to, body: mail.body }, 'payload.subject'],
    [{ to: mail.to, subject: mail.subject, body: 42 }, 'payload.body'],
  ])('rejects an invalid payload as non-retryable, naming the field (%#)', async (payload, field) => {
    const { executor } = await setUp();
    const failure = executor.execute(makeTask({ taskType: 'send_email', payload }), makeExecutionContext());
    await expect(failure).rejects.toBeInstanceOf(NonRetryableError);
    await expect(failure).rejects.toThrow(field);
  });

  it('demo transport honours the abort signal', async () => {
    const { executor } = await setUp({ demoLatencyMs: 60_000 });
    const controller = new AbortController();
    const pending = executor.execute(
      makeTask({ taskType: 'send_email', payload: mail }),
      makeExecutionContext({ signal: controller.signal }),
    );
    const reason = new Error('Task cancelled');
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(200);
  });

  it('SMTP transport: an unreachable server is a retryable failure, and the password is never logged', async () => {
    const port = await closedPort();
    const { ctx, executor } = await setUp(
      {},
      { smtp: { host: '127.0.0.1', port, user: 'mailer', pass: 's3cret-pass' } },
    );
    try {
      const error = await executor
        .execute(makeTask({ taskType: 'send_email', payload: mail }), makeExecutionContext())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isNonRetryable(error)).toBe(false);
      expect(JSON.stringify(ctx.logLines)).toContain('mailer');
      expect(JSON.stringify(ctx.logLines)).not.toContain('s3cret-pass');
    } finally {
      await executor.close?.();
    }
  });

  it('SMTP transport: sends through the server and returns its message id; a 5xx mailbox is non-retryable', async () => {
    const smtp = await startSmtpServer();
    const { executor } = await setUp({ from: 'tasks@example.com', smtp: { host: '127.0.0.1', port: smtp.port } });
    try {
      const result = (await executor.execute(
        makeTask({ taskType: 'send_email', payload: mail }),
        makeExecutionContext(),
      )) as {
        message_id: string;
        accepted: string[];
      };
      expect(result.accepted).toEqual(['ada@example.com']);
      expect(result.message_id).toMatch(/^<.+@.+>$/);
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]?.rcpt).toEqual(['ada@example.com']);
      expect(smtp.received[0]?.data).toContain('Subject: Hello');
      expect(smtp.received[0]?.data).toContain(`Message-ID: ${result.message_id}`);
      expect(smtp.received[0]?.data).toContain('Welcome aboard.');

      const rejected = executor.execute(
        makeTask({ taskType: 'send_email', payload: { ...mail, to: 'nobody@example.com' } }),
        makeExecutionContext(),
      );
      await expect(rejected).rejects.toBeInstanceOf(NonRetryableError);
    } finally {
      await executor.close?.();
      await smtp.close();
    }
  });
});
