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
export async function applySqliteJournalMode(strapi: Core.Strapi, writeAheadLog: boolean): Promise<string | null> {
  if (strapi.db.dialect.client !== 'sqlite') return null;
  const modeOf = (rows: unknown): string => {
    const [row] = rows as Array<{ journal_mode?: string }>;
    return String(row?.journal_mode ?? '').toLowerCase();
  };
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
