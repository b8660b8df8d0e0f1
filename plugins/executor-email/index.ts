import { definePlugin, type Plugin } from '../../core/index.ts';
import { EmailExecutor } from './email-executor.ts';
import { emailOptionsSchema, type EmailOptions } from './email-options.ts';
import { demoTransport, smtpTransport } from './transports.ts';

export type { EmailOptions, SmtpOptions } from './email-options.ts';

/** The `email` executor for `send_email`: a demo transport by default, SMTP when `smtp` is set. */
export function emailExecutor(options: EmailOptions = {}): Plugin {
  return definePlugin({
    name: 'executor-email',
    setup(ctx) {
      const { smtp, from, demoLatencyMs } = ctx.section('email', emailOptionsSchema, options);
      if (smtp) {
        // Everything but the password: credentials never reach the logs.
        ctx.logger.info(
          { host: smtp.host, port: smtp.port, secure: smtp.secure, user: smtp.user ?? null },
          'email executor: SMTP transport',
        );
      } else {
        ctx.logger.info('email executor: demo transport (no mail leaves this process)');
      }
      ctx.registerExecutor(new EmailExecutor(smtp ? smtpTransport(smtp, from) : demoTransport(demoLatencyMs)));
    },
  });
}
