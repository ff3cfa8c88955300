import type { Core } from '@strapi/strapi';

import { davClient } from '../harness/dav';
import { databaseClient } from '../harness/database';
import { http } from '../harness/http';
import { createUser } from '../harness/people';
import { createTestStrapi, startTestServer } from '../harness/strapi';

describe('plugin configuration in a site', () => {
  test('a custom base path moves the DAV tree and the well-known redirect with it', async () => {
    const server = await startTestServer({ pluginConfig: { basePath: '/caldav' } });
    try {
      expect((await http(server.origin, 'OPTIONS', '/caldav/')).status).toBe(200);
      expect((await http(server.origin, 'PROPFIND', '/caldav/')).status).toBe(401);
      const redirect = await http(server.origin, 'PROPFIND', '/.well-known/caldav');
      expect(redirect.headers.get('location')).toBe('/caldav/');
      // The default path is an ordinary Strapi path again: Strapi's router answers, not the plugin.
      expect((await http(server.origin, 'OPTIONS', '/dav/')).headers.get('allow') ?? '').not.toContain('OPTIONS');
      expect((await http(server.origin, 'PROPFIND', '/dav/')).status).not.toBe(401);
    } finally {
      await server.stop();
    }
  });

  test('an invalid value stops Strapi at boot with a message naming the key', async () => {
    const { strapi, database } = await createTestStrapi({ pluginConfig: { basePath: 'dav/', maxResourceSize: 'big' } });
    try {
      await expect(strapi.load()).rejects.toThrow(/caldav config: .*"basePath" must start with "\/".*"maxResourceSize" must be a whole number/);
    } finally {
      await strapi.destroy().catch(() => undefined);
      await database.drop();
    }
  });
});

const sqliteOnly = databaseClient() === 'sqlite' ? test : test.skip;

describe('the SQLite journal', () => {
  const journalMode = async (strapi: Core.Strapi) => {
    const [row] = (await strapi.db.connection.raw('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
    return row.journal_mode.toLowerCase();
  };

  sqliteOnly('is write-ahead logging by default, and sqliteWriteAheadLog: false puts the rollback journal back, keeping the data', async () => {
    const first = await createTestStrapi();
    const { database } = first;
    try {
      await first.strapi.load();
      expect(await journalMode(first.strapi)).toBe('wal');
      await first.strapi.db.query('plugin::users-permissions.user').create({ data: { username: 'kept', email: 'kept@example.test', provider: 'local' } });
      await first.strapi.destroy();

      // Booted again on the database now in WAL mode, commits are still synced to disk one by one (FULL, not the
      // NORMAL the driver would choose for a WAL database).
      const again = await createTestStrapi({ database });
      await again.strapi.load();
      try {
        const [row] = (await again.strapi.db.connection.raw('PRAGMA synchronous')) as Array<{ synchronous: number }>;
        expect(row.synchronous).toBe(2);
      } finally {
        await again.strapi.destroy();
      }
      // ... unless the site chooses speed over the last commits before a power loss.
      const faster = await createTestStrapi({ database, pluginConfig: { sqliteSynchronous: 'normal' } });
      await faster.strapi.load();
      try {
        const [row] = (await faster.strapi.db.connection.raw('PRAGMA synchronous')) as Array<{ synchronous: number }>;
        expect(row.synchronous).toBe(1);
      } finally {
        await faster.strapi.destroy();
      }

      const second = await createTestStrapi({ database, pluginConfig: { sqliteWriteAheadLog: false } });
      await second.strapi.load();
      try {
        expect(await journalMode(second.strapi)).toBe('delete');
        expect(await second.strapi.db.query('plugin::users-permissions.user').count({ where: { username: 'kept' } })).toBe(1);
      } finally {
        await second.strapi.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});

const postgresOnly = databaseClient() === 'postgres' ? test : test.skip;

describe('prepared statements on PostgreSQL', () => {
  /** A site on one database connection, a client's GET and PUT of an event, and the statements then prepared on it. */
  async function preparedAfterClientTraffic(pluginConfig: Record<string, unknown>): Promise<string[]> {
    process.env.DATABASE_POOL_MAX = '1';
    const server = await startTestServer({ pluginConfig }).finally(() => delete process.env.DATABASE_POOL_MAX);
    try {
      const user = await createUser(server);
      await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work' });
      const dav = davClient(server.origin, user);
      const event = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:prepared@test', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260310T090000Z', 'DTEND:20260310T100000Z', 'SUMMARY:Planning', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
      expect((await dav.request('PUT', `/dav/calendars/${user.username}/work/planning.ics`, event, { 'Content-Type': 'text/calendar' })).status).toBe(201);
      const read = await dav.request('GET', `/dav/calendars/${user.username}/work/planning.ics`);
      expect(read.status).toBe(200);
      expect(read.text).toContain('SUMMARY:Planning');
      const result = (await server.strapi.db.connection.raw("select name from pg_prepared_statements where name like 'caldav\\_%'")) as { rows: Array<{ name: string }> };
      return result.rows.map((row) => row.name);
    } finally {
      await server.stop();
    }
  }

  postgresOnly('the requests of clients are prepared once per connection, unless postgresPreparedStatements is false (for a pooler that cannot keep them)', async () => {
    expect((await preparedAfterClientTraffic({})).length).toBeGreaterThanOrEqual(3);
    expect(await preparedAfterClientTraffic({ postgresPreparedStatements: false })).toEqual([]);
  });
});
