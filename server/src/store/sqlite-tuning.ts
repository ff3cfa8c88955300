import type { Core } from '@strapi/strapi';

/**
 * Puts a SQLite database in write-ahead-log mode, or back in SQLite's default rollback-journal mode.
 *
 * With the rollback journal every commit creates, syncs and deletes a journal file: on an ordinary disk that is
 * most of a client's PUT. In WAL mode a commit appends to one log (durability stays as configured: synchronous is
 * not changed) and readers are not blocked while a write is under way. The mode is stored in the database file, so
 * it is set once and only switched back where this plugin is told to. Returns the mode now in effect, or null for
 * other databases; an in-memory database stays in its own mode.
 */
export async function applySqliteJournalMode(strapi: Core.Strapi, writeAheadLog: boolean, synchronous: 'full' | 'normal' = 'full'): Promise<string | null> {
  if (strapi.db.dialect.client !== 'sqlite') return null;
  const modeOf = (rows: unknown): string => {
    const [row] = rows as Array<{ journal_mode?: string }>;
    return String(row?.journal_mode ?? '').toLowerCase();
  };
  // Set either way: better-sqlite3 opens a database that is already in WAL mode with synchronous=NORMAL, under which
  // a power loss can take back the commits made since the last checkpoint; 'full' syncs each commit.
  await strapi.db.connection.raw(synchronous === 'normal' ? 'PRAGMA synchronous = NORMAL' : 'PRAGMA synchronous = FULL');
  const current = modeOf(await strapi.db.connection.raw('PRAGMA journal_mode'));
  if (writeAheadLog && current !== 'wal' && current !== 'memory') {
    const mode = modeOf(await strapi.db.connection.raw('PRAGMA journal_mode = WAL'));
    if (mode === 'wal') strapi.log.info('caldav: the SQLite database now uses write-ahead logging (sqliteWriteAheadLog)');
    return mode;
  }
  if (!writeAheadLog && current === 'wal') {
    const mode = modeOf(await strapi.db.connection.raw('PRAGMA journal_mode = DELETE'));
    strapi.log.info('caldav: the SQLite database is back on its rollback journal (sqliteWriteAheadLog: false)');
    return mode;
  }
  return current;
}

/**
 * Most prepared statements kept per SQLite connection, least recently used dropped first. A prepared statement of
 * one of Strapi's joined queries holds about 100 kB of native memory, and queries with IN lists of any length have
 * many texts: 500 kept cost about 50 MB of resident memory, while a client's requests use a few dozen.
 */
const MAX_CACHED_STATEMENTS = 100;
const cached = Symbol('caldav.cachedStatements');

interface PreparingConnection {
  prepare(sql: string): unknown;
  [cached]?: true;
}

/**
 * Keeps SQLite's prepared statements for reuse. knex prepares every statement it runs afresh, which on SQLite
 * costs about as much as running a small one; a client's PUT runs about ten. better-sqlite3 runs a statement to
 * completion synchronously, so one statement is never in use twice at once, and SQLite re-prepares it by itself
 * after a schema change. Applies to every query of the site on this connection, Strapi's own included.
 */
export function cachePreparedStatements(strapi: Core.Strapi): void {
  if (strapi.db.dialect.client !== 'sqlite') return;
  const client = strapi.db.connection.client as { _query(connection: PreparingConnection, query: unknown): Promise<unknown> };
  const run = client._query.bind(client);
  client._query = (connection, query) => {
    if (!connection[cached]) {
      const prepare = connection.prepare.bind(connection);
      const statements = new Map<string, unknown>();
      connection.prepare = (sql: string) => {
        let statement = statements.get(sql);
        if (statement === undefined) {
          statement = prepare(sql);
          if (statements.size >= MAX_CACHED_STATEMENTS) statements.delete(statements.keys().next().value as string);
        } else {
          statements.delete(sql);
        }
        // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
        statements.set(sql, statement);
        return statement;
      };
      connection[cached] = true;
    }
    return run(connection, query);
  };
}
