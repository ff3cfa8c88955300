/**
 * Recognizes the errors that mean "the database cannot be reached or cannot take this now", as opposed to a bug or
 * a refused statement: such a request failed through no fault of the client or of the data, nothing was stored
 * (the transaction never committed), and the same request may succeed a few seconds later. The DAV server answers
 * them with 503 and Retry-After instead of 500.
 */

import type { Core } from '@strapi/strapi';

/** Seconds a client is asked to wait before trying again after a database outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 10;

/** Network-level failures of a connection (Node's system error codes), from pg and mysql2 alike. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** mysql2's codes for a lost or refused connection, and MySQL's for a server that is stopping or full. */
const mysqlCodes = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_SERVER_OFFLINE_MODE',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), the server shutting down or starting (57P01-57P03),
 * too many connections (53300), and a lock or statement that waited past the site's timeout (55P03, 57014).
 */
const postgresCodes = /^(08\d{3}|57P0[1-3]|53300|55P03|57014)$/;

/**
 * SQLite (better-sqlite3 reports extended codes): another connection held the lock past the busy timeout, the file
 * cannot be opened or read, the disk is full, or the file was made read-only or moved under the running server.
 */
const sqliteCodes = /^SQLITE_(BUSY|CANTOPEN|IOERR|FULL|READONLY|PROTOCOL|NOLFS)(_[A-Z]+)?$/;

/** Driver messages that come without a code (pg's client on a connection that dropped). */
const lostConnectionMessages = [
  /^Connection terminated/i,
  /connection error and is not queryable/i,
  /^Client was closed and is not queryable/i,
  /Can't add new command when connection is in closed state/i,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

function isUnavailable(error: ErrorLike): boolean {
  // knex's pool gave up waiting for a connection (its acquire timeout, or a connection that never opened).
  if (error.name === 'KnexTimeoutError') return true;
  const code = typeof error.code === 'string' ? error.code : '';
  if (networkCodes.has(code) || mysqlCodes.has(code) || postgresCodes.test(code) || sqliteCodes.test(code)) return true;
  const message = typeof error.message === 'string' ? error.message : '';
  return lostConnectionMessages.some((pattern) => pattern.test(message));
}

/** The error (or the one it wraps) that says the database is unavailable, if any. */
function outageIn(error: unknown): ErrorLike | null {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // Wrappers (Strapi's, knex's) keep the driver's error as `cause` or `originalError`; a few levels are enough.
  while (typeof current === 'object' && current !== null && !seen.has(current) && seen.size < 5) {
    seen.add(current);
    const candidate = current as ErrorLike;
    if (isUnavailable(candidate)) return candidate;
    current = candidate.cause ?? candidate.originalError;
  }
  return null;
}

/** Whether the error (or one it wraps) says the database is unreachable or unavailable for now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return outageIn(error) !== null;
}

/**
 * What is logged of an outage: one line with the driver's error name and code. Not the driver's message, which
 * quotes the failed statement and so a client's calendar or address data; not a stack trace per failed request.
 */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    const found = outageIn(cause);
    const name = typeof found?.name === 'string' ? found.name : 'Error';
    const code = typeof found?.code === 'string' ? ` ${found.code}` : '';
    super(`the database is unavailable (${name}${code})`);
    this.name = 'DatabaseUnavailableError';
    this.stack = `${this.name}: ${this.message}`;
  }
}

interface PoolTimeouts {
  acquireTimeoutMillis?: number;
  createTimeoutMillis?: number;
}

interface KnexClientLike {
  config?: { acquireConnectionTimeout?: number; pool?: PoolTimeouts };
  pool?: PoolTimeouts | null;
}

/**
 * Bounds how long a request waits for a database connection: knex waits 60 seconds by default (and 30 for a
 * connection being opened), and Strapi's project template sets 60 too, longer than CalDAV clients wait for an
 * answer, so that during an outage they would time out instead of getting 503. Lowers the pool's acquire and create
 * timeouts (for the whole site) to `seconds`, and never raises a shorter one the site's database config sets.
 * Returns the bound now in effect, in milliseconds, or null when there is no pool to bound.
 */
export function boundConnectionWait(strapi: Core.Strapi, seconds: number): number | null {
  const client = (strapi.db.connection as unknown as { client?: KnexClientLike }).client;
  const pool = client?.pool;
  if (!client || !pool) return null;
  const configured = client.config ?? {};
  const shortest = (...limits: Array<number | undefined>) =>
    Math.min(...limits.filter((limit): limit is number => typeof limit === 'number' && limit > 0));
  const milliseconds = seconds * 1000;
  pool.acquireTimeoutMillis = shortest(milliseconds, configured.acquireConnectionTimeout, configured.pool?.acquireTimeoutMillis);
  pool.createTimeoutMillis = shortest(milliseconds, configured.pool?.createTimeoutMillis);
  return pool.acquireTimeoutMillis;
}
