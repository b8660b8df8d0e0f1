import { createHash, timingSafeEqual } from 'node:crypto';
import { API_SCOPES, type ApiKeySpec, type ApiScope } from '../config/api-access.ts';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.ts';

const RANK: Record<ApiScope, number> = { read: 0, write: 1, admin: 2 };

/** Who made a call, once its key is verified. */
export interface ApiKeyIdentity {
  name: string;
  scopes: readonly ApiScope[];
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The API-key rule every transport applies (HTTP `Authorization` header, gRPC `authorization`
 * metadata): `Bearer <key>` against the configured keys, then the key's scopes against the
 * one the call needs. Keys are compared as SHA-256 digests with timingSafeEqual (equal
 * lengths whatever the input), and every key is checked, so the answer time says nothing
 * about which key or how much of it matched. Keys themselves are never logged: callers get
 * the key's name.
 */
export class ApiKeyCheck {
  private readonly keys: { digest: Buffer; identity: ApiKeyIdentity }[];

  constructor(keys: readonly (ApiKeySpec | string)[]) {
    this.keys = keys.map((k, i) => {
      const spec = typeof k === 'string' ? { name: `key-${i + 1}`, key: k, scopes: [...API_SCOPES] } : k;
      return { digest: digest(spec.key), identity: { name: spec.name, scopes: [...spec.scopes] } };
    });
  }

  /** false when no keys are configured: every call is let through. */
  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /**
   * The caller's identity, or undefined when keys are off. Throws UnauthorizedError (40101)
   * unless `authorization` is `Bearer <one of the keys>`, and ForbiddenError (40301) when that
   * key lacks `scope`.
   */
  verify(authorization: string | undefined, scope: ApiScope): ApiKeyIdentity | undefined {
    if (!this.enabled) return undefined;
    const match = BEARER.exec(authorization ?? '');
    if (!match) throw new UnauthorizedError('missing API key: send Authorization: Bearer <key>');
    const given = digest(match[1]!);
    let found: ApiKeyIdentity | undefined;
    for (const key of this.keys) {
      const equal = timingSafeEqual(key.digest, given);
      found = equal ? key.identity : found;
    }
    if (!found) throw new UnauthorizedError('invalid API key');
    if (!found.scopes.some((s) => RANK[s] >= RANK[scope])) {
      throw new ForbiddenError(`API key "${found.name}" lacks the ${scope} scope`, { required_scope: scope });
    }
    return found;
  }
}
