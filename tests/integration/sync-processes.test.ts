/**
 * Two Strapi processes on one database: concurrent writers on both, a client syncing through the other, and the
 * client's final view equal to the database, with no change missed and none reported twice.
 * Runs on PostgreSQL and MySQL/MariaDB; SQLite is one file on one machine, where a single process is the norm.
 */

import { davClient, readMultistatus, vevent } from '../harness/dav';
import { databaseClient } from '../harness/database';
import { createUser, type TestUser } from '../harness/people';
import { startSecondProcess, startTestServer, type SecondProcess, type TestServer } from '../harness/strapi';

const describeOnServerDatabases = databaseClient() === 'sqlite' ? describe.skip : describe;

describeOnServerDatabases('several Strapi processes on one database', () => {
  let first: TestServer;
  let second: SecondProcess;
  let user: TestUser;

  beforeAll(async () => {
    first = await startTestServer();
    second = await startSecondProcess(first);
    user = await createUser(first);
    await first.collections.createCalendar({ owner: user.documentId, name: 'Shared', slug: 'shared' });
  });

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  test('a client syncing through one process sees every change written through both, exactly once', async () => {
    const path = `/dav/calendars/${user.username}/shared/`;
    const writerA = davClient(first.origin, user);
    const writerB = davClient(second.origin, user);
    const reader = davClient(second.origin, user);

    const view = new Map<string, string>(); // name -> etag, as the client knows it
    const seen = new Set<string>(); // name|etag pairs reported, to find duplicates
    const duplicates: string[] = [];
    let token = '';

    const syncOnce = async () => {
      const body = `<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`;
      const response = await reader.report(path, body, '0');
      expect(response.status).toBe(207);
      token = /<d:sync-token>([^<]+)<\/d:sync-token>\s*<\/d:multistatus>/.exec(response.text)![1];
      for (const entry of readMultistatus(response.text)) {
        const name = entry.href.split('/').pop()!;
        const etag = entry.props.get('{DAV:}getetag')?.text;
        if (entry.status === 404) {
          view.delete(name);
        } else if (etag) {
          if (seen.has(`${name}|${etag}`)) duplicates.push(`${name} ${etag}`);
          seen.add(`${name}|${etag}`);
          view.set(name, etag);
        }
      }
    };

    await syncOnce();
    let writing = true;
    const syncing = (async () => {
      while (writing) await syncOnce();
    })();

    const write = async (client: ReturnType<typeof davClient>, prefix: string) => {
      for (let index = 0; index < 12; index += 1) {
        const name = `${prefix}-${index % 6}.ics`;
        if (index % 5 === 4) await client.delete(`${path}${prefix}-${(index + 1) % 6}.ics`);
        expect([201, 204]).toContain((await client.put(`${path}${name}`, vevent(`${prefix}-${index % 6}`, { summary: `${prefix} ${index}` }))).status);
      }
    };
    await Promise.all([write(writerA, 'a'), write(writerB, 'b'), write(writerA, 'c'), write(writerB, 'd')]);
    writing = false;
    await syncing;
    await syncOnce();

    const calendar = await first.collections.findCalendarBySlug('shared');
    const stored = (await first.strapi.db.query('plugin::caldav.event' as never).findMany({
      select: ['resourceName', 'etag'],
      where: { calendar: { documentId: calendar!.documentId }, publishedAt: { $notNull: true } },
    })) as Array<{ resourceName: string; etag: string }>;
    const truth = new Map(stored.map((row) => [row.resourceName, `"${row.etag}"`]));

    expect(Object.fromEntries([...view].sort())).toEqual(Object.fromEntries([...truth].sort()));
    expect(truth.size).toBeGreaterThan(10);
    expect(duplicates).toEqual([]);
  });
});
