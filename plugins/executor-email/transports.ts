import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { NonRetryableError, type JsonObject } from '../../core/index.ts';
import type { SendEmailPayload, SmtpOptions } from './email-options.ts';

export interface SentEmail extends JsonObject {
  message_id: string;
  accepted: string[];
}

export interface EmailTransport {
  readonly kind: 'demo' | 'smtp';
  send(mail: SendEmailPayload, signal: AbortSignal): Promise<SentEmail>;
  close(): void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted');
}

/** Pretends to send: a short, abortable wait and a generated message id. */
export function demoTransport(latencyMs: number): EmailTransport {
  return {
    kind: 'demo',
    async send(mail, signal) {
      try {
        await delay(latencyMs, undefined, { signal });
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        throw error;
      }
      return { message_id: `<${randomUUID()}@async-task-manager.local>`, accepted: [mail.to] };
    },
    close() {},
  };
}

/** SMTP reply codes 5xx are permanent (unknown mailbox, bad credentials): retrying cannot help. */
function classifySmtpError(error: unknown): unknown {
  const code = (error as { responseCode?: unknown }).responseCode;
  if (typeof code === 'number' && code >= 500 && code < 600) {
    return new NonRetryableError(`SMTP ${code}: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

/** Real delivery through nodemailer over one pooled SMTP connection set. */
export function smtpTransport(smtp: SmtpOptions, from: string): EmailTransport {
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    pool: true,
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
  });
  return {
    kind: 'smtp',
    async send(mail, signal) {
      signal.throwIfAborted();
      // nodemailer cannot cancel a send in flight; the task is released at once and the
      // message may still go out, which is the usual at-least-once contract of email.
      let onAbort: (() => void) | undefined;
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(abortReason(signal));
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const info = await Promise.race([
          transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.body }),
          aborted,
        ]);
        const accepted = (info.accepted as unknown[]).map((a) =>
          typeof a === 'string' ? a : String((a as { address?: unknown }).address),
        );
        return { message_id: String(info.messageId), accepted };
      } catch (error) {
        throw classifySmtpError(error);
      } finally {
        if (onAbort) signal.removeEventListener('abort', onAbort);
      }
    },
    close() {
      transporter.close();
    },
  };
}
