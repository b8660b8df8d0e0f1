import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../domain/errors.ts';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The API-key rule every transport applies (HTTP `Authorization` header, gRPC `authorization`
 * metadata): `Bearer <key>` against the configured keys. Keys are compared as SHA-256 digests
 * with timingSafeEqual (equal lengths whatever the input), and every key is checked, so the
 * answer time says nothing about which key or how much of it matched.
 */
export class ApiKeyCheck {
  private readonly expected: Buffer[];

  constructor(keys: readonly string[]) {
    this.expected = keys.map(digest);
  }

  /** false when no keys are configured: every call is let through. */
  get enabled(): boolean {
    return this.expected.length > 0;
  }

  /** Throws UnauthorizedError (40101) unless `authorization` is `Bearer <one of the keys>`. */
  verify(authorization: string | undefined): void {
    if (!this.enabled) return;
    const match = BEARER.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError('missing API key: send Authorization: Bearer <key>');
    const given = digest(match[1]!);
    let authorized = false;
    for (const key of this.expected) authorized = timingSafeEqual(key, given) || authorized;
    if (!authorized) throw new UnauthorizedError('invalid API key');
  }
}
