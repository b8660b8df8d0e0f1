import { z } from 'zod';

export const smtpSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().optional(),
  pass: z.string().optional(),
});
export type SmtpOptions = z.output<typeof smtpSchema>;

export const emailOptionsSchema = z.object({
  /** When set, mail goes out over SMTP; otherwise the demo transport only pretends to send. */
  smtp: smtpSchema.optional(),
  from: z.string().default('async-task-manager@localhost'),
  /** Simulated send time of the demo transport. */
  demoLatencyMs: z.coerce.number().int().min(0).max(60_000).default(5),
});
export type EmailOptions = z.input<typeof emailOptionsSchema>;

/** The `send_email` payload (seed QUICKSTART): one recipient, a subject and a plain-text body. */
export const sendEmailPayloadSchema = z.object({
  to: z.email(),
  subject: z.string().min(1).max(998),
  body: z.string().max(10 * 1024 * 1024),
});
export type SendEmailPayload = z.output<typeof sendEmailPayloadSchema>;
