import type { Core } from '@strapi/strapi';

import { boundConnectionWait, DatabaseUnavailableError, isDatabaseUnavailable } from '../../server/src/store/outage';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  test.each([
    ['PostgreSQL refusing connections', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a connection reset', withCode('ECONNRESET')],
    ['pg losing its connection (no code)', new Error('Connection terminated unexpectedly')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['PostgreSQL connection failure (08006)', withCode('08006')],
    ['too many PostgreSQL connections (53300)', withCode('53300')],
    ['mysql2 losing its connection', withCode('PROTOCOL_CONNECTION_LOST')],
    ['too many MySQL connections', withCode('ER_CON_COUNT_ERROR')],
    ['SQLite locked past the busy timeout', withCode('SQLITE_BUSY', 'database is locked')],
    ['SQLite unable to read the file', withCode('SQLITE_IOERR_READ')],
    ['SQLite on a full disk', withCode('SQLITE_FULL')],
    ['knex waiting too long for a connection', Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' })],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { cause: withCode('ECONNREFUSED') })],
  ])('%s: yes', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  test.each([
    ['a unique constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a PostgreSQL unique violation (23505)', withCode('23505')],
    ['a PostgreSQL syntax error (42601)', withCode('42601')],
    ['a MySQL duplicate entry', withCode('ER_DUP_ENTRY')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a string', 'ECONNREFUSED'],
    ['nothing', null],
  ])('%s: no', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  test('an error that wraps itself does not loop', () => {
    const error = withCode('E_SOMETHING') as Error & { cause?: unknown };
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('DatabaseUnavailableError', () => {
  test('names the driver error and its code, and never quotes the statement with its data', () => {
    const driverError = Object.assign(new Error("insert into `caldav_events` (`icalendar`) values ('SUMMARY:Dentist') - database is locked"), {
      name: 'SqliteError',
      code: 'SQLITE_BUSY',
    });
    const logged = new DatabaseUnavailableError(driverError);
    expect(logged.stack).toBe('DatabaseUnavailableError: the database is unavailable (SqliteError SQLITE_BUSY)');
    expect(`${logged.message}${logged.stack}`).not.toMatch(/Dentist|insert into/);
  });
});

describe('boundConnectionWait', () => {
  // The shape of a knex client as boundConnectionWait reads it: the site's database config and the live pool.
  const siteWith = (config: Record<string, unknown>) => {
    const pool = { acquireTimeoutMillis: 60000, createTimeoutMillis: 30000 };
    const strapi = { db: { connection: { client: { config, pool } } } } as unknown as Core.Strapi;
    return { strapi, pool };
  };

  test("lowers Strapi's template timeout of 60 s to the setting", () => {
    const { strapi, pool } = siteWith({ acquireConnectionTimeout: 60000 });
    expect(boundConnectionWait(strapi, 10)).toBe(10000);
    expect(pool).toEqual({ acquireTimeoutMillis: 10000, createTimeoutMillis: 10000 });
  });

  test("keeps a shorter wait the site's database config asks for", () => {
    const { strapi, pool } = siteWith({ acquireConnectionTimeout: 4000, pool: { createTimeoutMillis: 2000 } });
    boundConnectionWait(strapi, 10);
    expect(pool).toEqual({ acquireTimeoutMillis: 4000, createTimeoutMillis: 2000 });
  });
});
