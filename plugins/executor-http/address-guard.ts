import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';
import { NonRetryableError } from '../../core/index.ts';

/**
 * Which targets the executor may reach. A task's URL comes from whoever may create tasks, so by
 * default only public (global unicast) addresses are reachable: no loopback, private, link-local
 * (cloud metadata at 169.254.169.254), unique-local, multicast or reserved address, whatever
 * the host name resolves to (the check is on the resolved address of every connection, so a
 * DNS answer or a redirect cannot smuggle an internal target in).
 */
export interface AddressPolicy {
  /** Allow every address (a trusted network where task creators are trusted too). */
  allowPrivateNetworks: boolean;
  /** Exceptions: host names (`api.internal`, `*.svc.cluster.local`), IPs or CIDR ranges (`10.1.0.0/16`). */
  allowedHosts: readonly string[];
}

export class BlockedAddressError extends NonRetryableError {
  constructor(host: string, address: string) {
    super(
      `refusing to connect to ${host} (${address}): not a public address; allow it with the httpExecutor option allowedHosts or allowPrivateNetworks`,
    );
    this.name = 'BlockedAddressError';
  }
}

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

interface CompiledPolicy {
  any: boolean;
  names: string[];
  suffixes: string[];
  ranges: Range[];
}

function compile(policy: AddressPolicy): CompiledPolicy {
  const compiled: CompiledPolicy = { any: policy.allowPrivateNetworks, names: [], suffixes: [], ranges: [] };
  for (const raw of policy.allowedHosts) {
    const entry = raw.trim().toLowerCase();
    if (entry.includes('/')) compiled.ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      compiled.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (entry.startsWith('*.')) compiled.suffixes.push(entry.slice(1));
    else compiled.names.push(entry);
  }
  return compiled;
}

/** Whether an allowedHosts entry is well formed (checked when the config is read). */
export function validHostEntry(entry: string): boolean {
  const value = entry.trim();
  if (value.includes('/')) return ipaddr.isValidCIDR(value);
  return (
    ipaddr.isValid(value) || /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(value)
  );
}

function allowedByName(policy: CompiledPolicy, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return policy.names.includes(name) || policy.suffixes.some((suffix) => name.endsWith(suffix));
}

export function isAllowedAddress(policy: CompiledPolicy, address: string): boolean {
  if (policy.any) return true;
  const parsed = ipaddr.process(address.replace(/^\[|\]$/g, ''));
  if (parsed.range() === 'unicast') return true;
  return policy.ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits));
}

/** Builds the policy once; also used by tests to check addresses without a connection. */
export function compileAddressPolicy(policy: AddressPolicy): CompiledPolicy {
  return compile(policy);
}

/**
 * An undici Agent whose every new connection is checked: the host name (exceptions), then each
 * address it resolves to; the socket connects to the checked address (TLS still verifies the
 * certificate against the host name).
 */
export function guardedAgent(policy: AddressPolicy): Agent {
  const compiled = compile(policy);
  const connect = buildConnector({});
  const guarded: buildConnector.connector = (options, callback) => {
    const host = options.hostname.replace(/^\[|\]$/g, '');
    if (compiled.any || allowedByName(compiled, host)) return connect(options, callback);
    resolveChecked(compiled, host).then(
      (address) =>
        connect(
          { ...options, hostname: address, servername: options.servername ?? (isIP(host) ? undefined : host) },
          callback,
        ),
      (error: Error) => callback(error, null),
    );
  };
  return new Agent({ connect: guarded });
}

async function resolveChecked(policy: CompiledPolicy, host: string): Promise<string> {
  if (isIP(host)) {
    if (!isAllowedAddress(policy, host)) throw new BlockedAddressError(host, host);
    return host;
  }
  const addresses = await lookup(host, { all: true, verbatim: true });
  const blocked = addresses.find((a) => !isAllowedAddress(policy, a.address));
  // Every address must pass: a name that also resolves to an internal address is refused.
  if (blocked) throw new BlockedAddressError(host, blocked.address);
  const first = addresses[0];
  if (!first) throw new Error(`${host} did not resolve`);
  return first.address;
}
