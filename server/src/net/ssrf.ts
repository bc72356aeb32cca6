import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './addresses.js';

export { isPublicAddress } from './addresses.js';

/** What webhook targets may be: production allows neither; local development and tests may allow both. */
export interface TargetPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

/** A target URL or address the policy refuses; `reason` is a sentence safe to show the subscriber. */
export class TargetRefusedError extends Error {
  readonly code = 'TARGET_REFUSED';

  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TargetRefusedError';
  }
}

type Resolve = (host: string) => Promise<string[]>;

const resolveAll: Resolve = async (host) => (await dnsLookupAll(host, { all: true, verbatim: true })).map((entry) => entry.address);

const refusedHost = (host: string) =>
  new TargetRefusedError(`The target host "${host}" resolves to a private, loopback or reserved address; webhooks go to public addresses only.`);

function parseTarget(url: string, policy: TargetPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetRefusedError('The target URL is not a valid absolute URL.');
  }
  const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) {
    throw new TargetRefusedError(policy.allowHttp ? 'The target URL must use https or http.' : 'The target URL must use https.');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new TargetRefusedError('The target URL must not contain a user name or password.');
  }
  return parsed;
}

async function resolveTarget(host: string, resolve: Resolve): Promise<string[]> {
  try {
    const addresses = await resolve(host);
    if (addresses.length > 0) return addresses;
  } catch {
    // The resolver's own error names internals (getaddrinfo codes); the sentence below is enough.
  }
  throw new TargetRefusedError(`The target host "${host}" could not be resolved.`);
}

/**
 * Subscribe-time (and pre-send) check of a webhook target: an absolute URL, https
 * unless `allowHttp`, no credentials, and unless `allowPrivate` every address the host
 * resolves to (all of them, as `dns.lookup` returns them) must be public.
 * @throws TargetRefusedError
 */
export async function checkTargetUrl(url: string, policy: TargetPolicy, resolve: Resolve = resolveAll): Promise<void> {
  const parsed = parseTarget(url, policy);
  if (policy.allowPrivate) return;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) === 0 ? await resolveTarget(host, resolve) : [host];
  if (!addresses.every(isPublicAddress)) throw refusedHost(parsed.hostname);
}

/**
 * A `lookup` for `net.connect`/undici's `Agent({ connect: { lookup } })` that re-checks
 * the addresses at connect time, so a DNS answer that changed since subscription
 * (rebinding) cannot reach a private address: unless `allowPrivate`, the connection
 * fails with TargetRefusedError when any resolved address is not public.
 * Node skips `lookup` for IP-literal hosts, so those rely on `checkTargetUrl` before each send.
 */
export function guardedLookup(policy: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      const refusal = error ? null : connectRefusal(hostname, addresses, policy);
      if (error || refusal) return callback(error ?? refusal, options.all ? [] : '');
      if (options.all) return callback(null, addresses);
      const [first] = addresses as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
}

function connectRefusal(hostname: string, addresses: LookupAddress[], policy: TargetPolicy): TargetRefusedError | null {
  if (addresses.length === 0) return new TargetRefusedError(`The target host "${hostname}" could not be resolved.`);
  if (policy.allowPrivate || addresses.every((entry) => isPublicAddress(entry.address))) return null;
  return refusedHost(hostname);
}
