import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const flag = z.stringbool({ truthy: ['true', '1', 'yes'], falsy: ['false', '0', 'no'] });
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const seconds = z
  .string()
  .transform((value) => value.split(',').map((part) => Number(part.trim())))
  .pipe(z.array(z.number().positive()).min(1, 'needs at least one delay')); // fractions allowed so tests can retry in milliseconds

/**
 * Every setting the server reads, parsed once at boot. Nothing else reads process.env.
 * Each key: its default, and a line saying what it is for.
 */
const EnvSchema = z.object({
  // HTTP port of the API; 0 picks a free one.
  PORT: int(0, 65535).default(3000),
  // Interface the API listens on; set 0.0.0.0 to serve beyond this machine.
  HOST: z.string().min(1).default('127.0.0.1'),
  // Public base URL printed in examples and links; defaults to http://HOST:PORT.
  PUBLIC_URL: z.url().optional(),
  // A real MongoDB (replica set, Atlas). Unset: the embedded mongo-java-server is started.
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  // Database name used with the embedded database (a MONGODB_URI names its own).
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_]{1,63}$/, 'letters, digits and _ only').default('nebulahex'),
  // Where the embedded database keeps its files (and generated secrets); private to the server's user.
  DATA_DIR: z.string().min(1).default('.data'),
  // Heap cap of the embedded database's JVM (-Xmx): 512m, 2g, …
  EMBEDDED_DB_MAX_HEAP: z.string().regex(/^\d+[mg]$/, 'a size such as 512m or 2g').default('1g'),
  // When the embedded database's file holds an acknowledged write: before the reply (commit), also on disk (fsync), or within 1 s (interval).
  EMBEDDED_DB_DURABILITY: z.enum(['commit', 'fsync', 'interval']).default('commit'),
  // What this process runs: the API, the delivery worker, or both.
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  // How far the JavaScript heap may grow past its live size before a full collection (%); 0 leaves it to V8 (up to 300 %).
  HEAP_GROWTH_PERCENT: int(0, 300).default(20),
  // pino log level.
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Bearer token of the internal API used by the bot engine; generated at boot when unset.
  INTERNAL_API_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  // 32 bytes, base64: encrypts signing secrets and revealable keys at rest. Generated into DATA_DIR when unset with the embedded database.
  ENCRYPTION_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded as base64')
    .optional(),
  // Seed a demo workspace, bots and conversations on an empty embedded database.
  DEMO_SEED: flag.default(true),

  // Requests one API key may make per window (the limiter keeps one time per request in the window, so at most 10,000).
  RATE_LIMIT_MAX: int(1, 10_000).default(60),
  // Length of the sliding rate-limit window, in seconds.
  RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
  // Failed authentications (401s) one client address may cause per window before it is answered 429.
  AUTH_FAILURES_MAX: int(1, 1_000_000).default(30),
  // Length of that window, in seconds.
  AUTH_FAILURES_WINDOW_SECONDS: int(1, 86_400).default(60),
  // Behind a reverse proxy: take the client address from the X-Forwarded-For entry the proxy added.
  TRUST_PROXY: flag.default(false),
  // How long an Idempotency-Key is remembered, in hours.
  IDEMPOTENCY_TTL_HOURS: int(1, 168).default(24),
  // How long a process trusts an API key it read (ms): a key revoked through another process is refused within this. 0 reads every time.
  API_KEY_CACHE_MS: int(0, 60_000).default(1000),
  // How long a process trusts the subscriptions, bot names and workspaces it read for delivering (ms): a pause,
  // deletion, new secret or new subscription made through another process is honoured within this. 0 reads every time.
  SUBSCRIPTION_CACHE_MS: int(0, 60_000).default(1000),
  // How long a process serves a page of a workspace's bots it read (ms): a bot created through another process is listed within this. 0 reads every time.
  BOT_LIST_CACHE_MS: int(0, 60_000).default(1000),
  // How long after creation a key may be revealed once more, in minutes.
  KEY_REVEAL_WINDOW_MINUTES: int(0, 1440).default(10),

  // Timeout of one delivery attempt, in milliseconds.
  WEBHOOK_TIMEOUT_MS: int(100, 120_000).default(10_000),
  // Delays before each retry, in seconds, comma-separated.
  WEBHOOK_RETRY_SCHEDULE: seconds.default([30, 120, 300, 900, 3600, 21_600, 86_400]),
  // Random spread applied to each retry delay (0.2 = ±20 %).
  WEBHOOK_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  // Longest Retry-After honoured from a receiver, in seconds.
  WEBHOOK_MAX_RETRY_AFTER_SECONDS: int(0, 604_800).default(86_400),
  // Allow http:// targets (local development and tests only). Unset: see TARGET_GUARDS.
  WEBHOOK_ALLOW_HTTP: flag.optional(),
  // Allow private, loopback and link-local targets (local development and tests only). Unset: see TARGET_GUARDS.
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag.optional(),
  // Consecutive failed deliveries after which a subscription is paused…
  WEBHOOK_PAUSE_AFTER_FAILURES: int(1, 1_000_000).default(50),
  // …provided it has not succeeded for at least this many hours.
  WEBHOOK_PAUSE_AFTER_HOURS: z.coerce.number().min(0).max(720).default(24),
  // Bytes of a receiver's answer kept with each attempt.
  WEBHOOK_RESPONSE_EXCERPT_BYTES: int(0, 65_536).default(1024),
  // How long an old signing secret keeps signing after rotation, in hours.
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(720).default(24),
  // How often a worker looks for deliveries left unfinished by a crashed process, in seconds.
  WEBHOOK_SWEEP_SECONDS: z.coerce.number().min(0.1).max(3600).default(15),
  // Deliveries one worker process sends at once.
  WORKER_CONCURRENCY: int(1, 1000).default(50),
  // Deliveries one worker process sends at once to one endpoint (subscription), unless the subscription sets maxConcurrency.
  WEBHOOK_ENDPOINT_CONCURRENCY: int(1, 1000).default(20),
  // Deliveries one endpoint keeps waiting in a worker process's memory beyond its free slots; the rest wait in the database.
  WEBHOOK_ENDPOINT_BACKLOG: int(1, 100_000).default(1000),
  // Days events and deliveries are kept.
  RETENTION_DAYS: int(1, 3650).default(30),

  // Minutes a portal sign-in link stays valid (each link works once).
  PORTAL_LINK_TTL_MINUTES: int(1, 60).default(10),
  // Minutes of inactivity after which a portal session ends.
  PORTAL_SESSION_IDLE_MINUTES: int(1, 1440).default(30),
  // Hours after which a portal session ends however it is used.
  PORTAL_SESSION_MAX_HOURS: int(1, 168).default(12),
  // Origins allowed to embed the portal in a frame (CSP frame-ancestors), comma-separated; empty: none.
  PORTAL_FRAME_ANCESTORS: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((url) => new URL(url).origin === url.replace(/\/$/, ''), 'must be an origin such as https://app.example.com (no path)')))
    .default([]),

  // OAuth client id Zapier signs in with (its app's Client ID). Unset: no OAuth client is registered.
  OAUTH_ZAPIER_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{8,100}$/, '8 to 100 letters, digits, ".", "_" or "-"').optional(),
  // Its client secret (at least 32 characters); required with the client id.
  OAUTH_ZAPIER_CLIENT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Redirect URIs the client may use, comma-separated (the one Zapier's app settings show).
  OAUTH_ZAPIER_REDIRECT_URIS: z
    .string()
    .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ })))
    .default([]),
  // Lifetime of an OAuth access token, in seconds.
  OAUTH_ACCESS_TOKEN_TTL_SECONDS: int(60, 86_400).default(3600),
  // Lifetime of a refresh token, in days (each refresh issues a new one).
  OAUTH_REFRESH_TOKEN_TTL_DAYS: int(1, 365).default(90),
});

const TARGET_GUARDS = ['WEBHOOK_ALLOW_HTTP', 'WEBHOOK_ALLOW_PRIVATE_TARGETS'] as const;
type TargetGuard = (typeof TARGET_GUARDS)[number];

export type Config = Omit<z.infer<typeof EnvSchema>, TargetGuard> & Record<TargetGuard, boolean>;

/** Every variable the server reads (the README's configuration table lists each). */
export const CONFIG_KEYS = Object.keys(EnvSchema.shape) as (keyof Config)[];

/**
 * The SSRF guard flags the operator left unset take the development default: relaxed on
 * the embedded database (the local demo's receivers are local http URLs), strict with
 * MONGODB_URI. A value the operator set, true or false, always wins.
 */
function settleTargetGuards(parsed: z.infer<typeof EnvSchema>): Config {
  const developmentDefault = parsed.MONGODB_URI === undefined;
  return {
    ...parsed,
    WEBHOOK_ALLOW_HTTP: parsed.WEBHOOK_ALLOW_HTTP ?? developmentDefault,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: parsed.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? developmentDefault,
  };
}

/** Never echoed in error messages. */
const SECRET_KEYS = new Set(['MONGODB_URI', 'INTERNAL_API_TOKEN', 'ENCRYPTION_KEY', 'OAUTH_ZAPIER_CLIENT_SECRET']);

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const result = EnvSchema.safeParse(known);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? 'environment');
        const shown = key in known && !SECRET_KEYS.has(key) ? ` (got ${JSON.stringify(known[key])})` : '';
        return `${key}: ${issue.message}${shown}`;
      }),
    );
  }
  const oauthIssues = oauthClientIssues(result.data);
  if (oauthIssues.length > 0) throw new ConfigError(oauthIssues);
  return settleTargetGuards(result.data);
}

/** The OAuth client is registered whole or not at all. */
function oauthClientIssues(parsed: z.infer<typeof EnvSchema>): string[] {
  if (!parsed.OAUTH_ZAPIER_CLIENT_ID && !parsed.OAUTH_ZAPIER_CLIENT_SECRET) return [];
  const issues: string[] = [];
  if (!parsed.OAUTH_ZAPIER_CLIENT_ID) issues.push('OAUTH_ZAPIER_CLIENT_ID: must be set with OAUTH_ZAPIER_CLIENT_SECRET');
  if (!parsed.OAUTH_ZAPIER_CLIENT_SECRET) issues.push('OAUTH_ZAPIER_CLIENT_SECRET: must be set with OAUTH_ZAPIER_CLIENT_ID');
  if (parsed.OAUTH_ZAPIER_REDIRECT_URIS.length === 0) issues.push('OAUTH_ZAPIER_REDIRECT_URIS: needs at least one redirect URI when the OAuth client is set');
  return issues;
}

const isSet = (env: NodeJS.ProcessEnv, key: string) => env[key] !== undefined && env[key] !== '';

/**
 * The startup line about webhook targets: what the SSRF guard allows and, for each flag,
 * whether the operator set it or the embedded database's development default applies.
 * `relaxed` says whether anything beyond https to public addresses is allowed.
 */
export function describeTargetGuards(config: Config, env: NodeJS.ProcessEnv = process.env): { relaxed: boolean; line: string } {
  const source = (key: TargetGuard) =>
    isSet(env, key) ? `${key}=${config[key]}, set by you` : `${key} unset: ${config.MONGODB_URI ? 'the production default' : 'the development default of the embedded database'}`;
  const http = `${config.WEBHOOK_ALLOW_HTTP ? 'http:// allowed' : 'https only'} (${source('WEBHOOK_ALLOW_HTTP')})`;
  const addresses = `${config.WEBHOOK_ALLOW_PRIVATE_TARGETS ? 'private and loopback addresses allowed' : 'public addresses only'} (${source('WEBHOOK_ALLOW_PRIVATE_TARGETS')})`;
  const relaxed = config.WEBHOOK_ALLOW_HTTP || config.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  return { relaxed, line: `webhook targets: ${http}; ${addresses}${relaxed ? '. Never run like this in production.' : ''}` };
}

/** The configuration once boot has settled the secrets (see boot/secrets.ts): what the app runs with. */
export type RuntimeConfig = Config & Required<Pick<Config, 'ENCRYPTION_KEY' | 'INTERNAL_API_TOKEN'>>;

/** The configuration with every default and fresh secrets, for tests; `overrides` are already-parsed values. */
export function testConfig(overrides: Partial<Config> = {}): RuntimeConfig {
  return {
    ...EnvSchema.parse({}),
    WEBHOOK_ALLOW_HTTP: false,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: false,
    LOG_LEVEL: 'silent',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    INTERNAL_API_TOKEN: randomBytes(24).toString('base64url'),
    ...overrides,
  };
}
