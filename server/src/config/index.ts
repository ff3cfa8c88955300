/**
 * Plugin configuration: defaults and a validator that Strapi runs at boot.
 *
 * A site owner sets these in `config/plugins.(js|ts)` under `caldav.config`.
 * An invalid value throws, which stops Strapi with a message naming the key.
 */

export interface PluginConfig {
  /** URL path under which the DAV tree is served, e.g. `/dav`. */
  basePath: string;
  /** Realm announced in `WWW-Authenticate` challenges. */
  realm: string;
  /** Largest calendar object or vCard accepted on PUT, in bytes (CalDAV/CardDAV `max-resource-size`). */
  maxResourceSize: number;
  /** Largest XML request body (PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL) accepted, in bytes. */
  maxXmlBodySize: number;
  /** Seconds a client has to send a request body; a slower or stalled one gets 408 and its connection is closed. */
  bodyReadTimeoutSeconds: number;
  /** Whether `/.well-known/caldav` and `/.well-known/carddav` redirect to the base path. */
  wellKnown: boolean;
  /** Days a change stays in the sync log; a client whose last sync is older syncs from the start. */
  syncRetentionDays: number;
  /** The iCalendar feeds of public calendars (and private ones with a secret link). */
  feeds: FeedConfig;
  /** Limits on failed Basic sign-ins, counted per account and per client address. */
  loginThrottle: LoginThrottleConfig;
  /** IANA time zone given to calendars created without one (by editors, the APIs or apps); null leaves them without. */
  defaultTimezone: string | null;
  /**
   * On SQLite, whether the database is switched to write-ahead logging at boot (the journal mode SQLite recommends
   * for servers: a write commits in a fraction of the time, and reads go on while one is written). false switches a
   * database this plugin put in WAL mode back to SQLite's default rollback journal. No effect on other databases.
   */
  sqliteWriteAheadLog: boolean;
  /**
   * On SQLite, when a commit is on disk: 'full' syncs every commit (as PostgreSQL and MySQL do by default); 'normal'
   * syncs the write-ahead log only at checkpoints, faster, but a power loss or an operating-system crash can take back
   * the last commits (never corrupting the database). No effect on other databases.
   */
  sqliteSynchronous: 'full' | 'normal';
  /**
   * On PostgreSQL, whether the statements every request makes are sent as named prepared statements, planned once per
   * connection. false for a connection pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
   */
  postgresPreparedStatements: boolean;
  /**
   * Longest wait, in seconds, for a database connection before a request is answered 503 (Retry-After) instead of
   * hanging while the database is unreachable. Lowers the connection pool's acquire and connect timeouts for the
   * whole site to this (Strapi's project template sets 60 s); a shorter one in the site's database config is kept.
   */
  databaseWaitSeconds: number;
  /** Cross-origin access to the DAV tree and the feeds from web pages; off (no origin) unless origins are listed. */
  cors: CorsConfig;
  /** The occurrences API (`/api/caldav/occurrences`, and `calendarOccurrences` in GraphQL) for the site's front end. */
  occurrences: OccurrencesConfig;
  /**
   * The site's own collection types shown as read-only calendars and address books (see sources/types). Checked
   * against the models at boot; here only its shape.
   */
  sources: unknown[];
  /** Meetings between the site's users (CalDAV scheduling, RFC 6638) and email invitations to everyone else. */
  scheduling: SchedulingConfig;
}

export interface SchedulingConfig {
  /** Whether the server schedules: inboxes, outboxes, invitations and answers. false leaves meetings to the clients. */
  enabled: boolean;
  /**
   * Email invitations (iMIP) to attendees without an account, through Strapi's email plugin: 'auto' sends them once
   * the site has configured an email provider other than Strapi's default (sendmail), 'on' always, 'off' never.
   */
  email: 'auto' | 'on' | 'off';
}

export interface OccurrencesConfig {
  /** The widest window one request may ask for, in days: no request expands recurrences without end. */
  maxWindowDays: number;
}

export interface CorsConfig {
  /**
   * Origins (`https://app.example.com`) whose pages may call the DAV tree and the feeds from a browser; `*` allows
   * any origin. Credentials travel in the Authorization header that the page sets, never as cookies.
   */
  origins: string[];
}

export interface FeedConfig {
  /** Events that ended more than this many days ago are left out; null keeps every past event. */
  pastDays: number | null;
  /** Events that start more than this many days ahead are left out; null keeps every future event. */
  futureDays: number | null;
  /** How often subscribers are asked to refresh (REFRESH-INTERVAL, X-PUBLISHED-TTL), in minutes. */
  refreshMinutes: number;
}

export interface LoginThrottleConfig {
  /** Failed sign-ins for one account (existing or not) within the window before further attempts get 429. */
  maxFailuresPerAccount: number;
  /** Failed sign-ins from one client address within the window before further attempts get 429. */
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

export const defaultConfig: PluginConfig = {
  basePath: '/dav',
  realm: 'Strapi CalDAV/CardDAV',
  maxResourceSize: 1024 * 1024,
  maxXmlBodySize: 1024 * 1024,
  bodyReadTimeoutSeconds: 30,
  wellKnown: true,
  syncRetentionDays: 30,
  feeds: { pastDays: null, futureDays: null, refreshMinutes: 60 },
  loginThrottle: { maxFailuresPerAccount: 10, maxFailuresPerAddress: 100, windowSeconds: 900 },
  defaultTimezone: null,
  sqliteWriteAheadLog: true,
  sqliteSynchronous: 'full',
  postgresPreparedStatements: true,
  databaseWaitSeconds: 10,
  cors: { origins: [] },
  occurrences: { maxWindowDays: 366 },
  sources: [],
  scheduling: { enabled: true, email: 'auto' },
};

type Check = (value: unknown) => string | null;

const isWhole = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/** Checks an object setting key by key; unknown keys are refused too. */
function objectCheck(keyChecks: Record<string, Check>): Check {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `must be an object with ${Object.keys(keyChecks).join(', ')}`;
    const record = value as Record<string, unknown>;
    const problems = [
      ...Object.keys(record).filter((key) => !(key in keyChecks)).map((key) => `"${key}" is not a known key`),
      ...Object.entries(keyChecks).flatMap(([key, check]) => {
        const problem = check(record[key]);
        return problem ? [`"${key}" ${problem}`] : [];
      }),
    ];
    return problems.length > 0 ? problems.join(', ') : null;
  };
}

/** An origin as browsers send it: scheme, host and an optional port, nothing after. */
const ORIGIN = /^https?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)(:\d{1,5})?$/;

const corsOrigins: Check = (value) => {
  const expected = 'must be a list of origins such as "https://app.example.com" (scheme, host and port only), or ["*"]';
  if (!Array.isArray(value) || value.length > 100) return expected;
  const wrong = value.filter((origin) => typeof origin !== 'string' || (origin !== '*' && !ORIGIN.test(origin)));
  return wrong.length > 0 ? `${expected}; not an origin: ${wrong.map((origin) => JSON.stringify(origin)).join(', ')}` : null;
};

const optionalDays: Check = (value) => (value === null || isWhole(value, 0, 36500) ? null : 'must be null or a whole number of days up to 36500');

// Paths that Strapi itself serves: mounting DAV there would shadow the admin or the APIs.
const reservedPrefixes = ['/admin', '/api', '/uploads', '/.well-known', '/graphql', '/i18n', '/content-manager'];

const checks: Record<keyof PluginConfig, Check> = {
  basePath(value) {
    if (typeof value !== 'string') return 'must be a string such as "/dav"';
    if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(value)) {
      return 'must start with "/", have no trailing slash, and contain only letters, digits and . _ ~ - (for example "/dav")';
    }
    const clash = reservedPrefixes.find((prefix) => value === prefix || value.startsWith(`${prefix}/`));
    if (clash) return `must not be under "${clash}", which Strapi serves itself`;
    return null;
  },
  realm(value) {
    if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
    if (/["\\\r\n]/.test(value)) return 'must not contain quotes, backslashes or line breaks';
    return null;
  },
  maxResourceSize(value) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1024 || value > 100 * 1024 * 1024) {
      return 'must be a whole number of bytes between 1024 and 104857600';
    }
    return null;
  },
  maxXmlBodySize(value) {
    return isWhole(value, 1024, 100 * 1024 * 1024) ? null : 'must be a whole number of bytes between 1024 and 104857600';
  },
  bodyReadTimeoutSeconds(value) {
    return isWhole(value, 1, 3600) ? null : 'must be a whole number of seconds between 1 and 3600';
  },
  wellKnown(value) {
    return typeof value === 'boolean' ? null : 'must be true or false';
  },
  syncRetentionDays(value) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3650) {
      return 'must be a whole number of days between 1 and 3650';
    }
    return null;
  },
  defaultTimezone(value) {
    if (value === null) return null;
    if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return 'must be null or an IANA time zone name such as "Europe/Berlin"';
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return null;
    } catch {
      return 'must be null or an IANA time zone name such as "Europe/Berlin"';
    }
  },
  sqliteWriteAheadLog(value) {
    return typeof value === 'boolean' ? null : 'must be true or false';
  },
  sqliteSynchronous(value) {
    return value === 'full' || value === 'normal' ? null : 'must be "full" or "normal"';
  },
  postgresPreparedStatements(value) {
    return typeof value === 'boolean' ? null : 'must be true or false';
  },
  databaseWaitSeconds(value) {
    return isWhole(value, 1, 600) ? null : 'must be a whole number of seconds between 1 and 600';
  },
  feeds: objectCheck({
    pastDays: optionalDays,
    futureDays: optionalDays,
    refreshMinutes: (value) => (isWhole(value, 5, 10080) ? null : 'must be a whole number of minutes between 5 and 10080'),
  }),
  cors: objectCheck({ origins: corsOrigins }),
  sources: (value) => (Array.isArray(value) && value.length <= 100 ? null : 'must be a list of at most 100 content sources'),
  occurrences: objectCheck({
    maxWindowDays: (value) => (isWhole(value, 1, 3660) ? null : 'must be a whole number of days between 1 and 3660'),
  }),
  scheduling: objectCheck({
    enabled: (value) => (typeof value === 'boolean' ? null : 'must be true or false'),
    email: (value) => (value === 'auto' || value === 'on' || value === 'off' ? null : 'must be "auto", "on" or "off"'),
  }),
  loginThrottle: objectCheck({
    maxFailuresPerAccount: (value) => (isWhole(value, 1, 100000) ? null : 'must be a whole number between 1 and 100000'),
    maxFailuresPerAddress: (value) => (isWhole(value, 1, 1000000) ? null : 'must be a whole number between 1 and 1000000'),
    windowSeconds: (value) => (isWhole(value, 1, 86400) ? null : 'must be a whole number of seconds between 1 and 86400'),
  }),
};

export class PluginConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginConfigError';
  }
}

/** Throws a PluginConfigError naming every invalid or unknown key. */
export function validateConfig(config: unknown): asserts config is PluginConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PluginConfigError('the plugin config must be an object');
  }
  const problems: string[] = [];
  const record = config as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in checks)) {
      problems.push(`"${key}" is not a known setting (known: ${Object.keys(checks).join(', ')})`);
    }
  }
  for (const [key, check] of Object.entries(checks) as Array<[keyof PluginConfig, Check]>) {
    const problem = check(record[key]);
    if (problem) problems.push(`"${key}" ${problem} (got ${JSON.stringify(record[key])})`);
  }
  if (problems.length > 0) {
    throw new PluginConfigError(problems.join('; '));
  }
}

export default {
  default: defaultConfig,
  validator: validateConfig,
};
