/**
 * The database becomes unavailable while the site runs: DAV requests and feeds get 503 with Retry-After and a
 * readable message (not 500, not a hang), nothing is half stored, and service resumes by itself once the database
 * is back.
 *
 * PostgreSQL and MySQL: the site (a Strapi process of its own) reaches the database through a TCP proxy, which the
 * test cuts (connections reset, as when the database restarts or its host drops off the network), stalls
 * (connections accepted and never answered, as with a host that drops packets) and restores.
 * SQLite: another connection (a backup tool, a maintenance script, the sqlite3 shell with a transaction open) holds
 * the database's write lock: a write transaction, which reads before it writes, is refused at once (SQLITE_BUSY:
 * waiting could not make its snapshot current), and one that writes first waits out the busy timeout (5 seconds).
 */

import { davClient, propfindBody, readMultistatus, vevent } from '../harness/dav';
import { databaseClient } from '../harness/database';
import type { HttpResponse } from '../harness/http';
import { createUser, type TestUser } from '../harness/people';
import { startSecondProcess, startTestServer, type SecondProcess, type TestServer } from '../harness/strapi';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy';

const client = databaseClient();
const describeOnServerDatabases = client === 'sqlite' ? describe.skip : describe;
const describeOnSqlite = client === 'sqlite' ? describe : describe.skip;

/** Seconds the site waits for a database connection (the plugin's databaseWaitSeconds) in these tests. */
const WAIT_SECONDS = 4;

let server: TestServer;
let user: TestUser;
let calendarPath: string;

/** What a client must get while the database is away: 503, when to come back, and words, no internals. */
function expectOutageAnswer(response: HttpResponse, what: string): void {
  expect({ what, status: response.status }).toEqual({ what, status: 503 });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(response.text).toMatch(/database is unavailable/i);
  expect(response.text).toMatch(/try again/i);
  // No stack trace, SQL, driver code or file path.
  expect(response.text).not.toMatch(/\bat\s+\S+\s+\(|select |insert |update |SQLITE_|ECONN|KnexTimeout|\/node_modules\/|\.ts:\d/i);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = Date.now();
  const result = await run();
  return { result, seconds: (Date.now() - started) / 1000 };
}

/** Polls until the request answers `status`, for at most `seconds`; returns the last answer. */
async function eventually(request: () => Promise<HttpResponse>, status: number, seconds: number): Promise<HttpResponse> {
  const deadline = Date.now() + seconds * 1000;
  let response = await request();
  while (response.status !== status && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    response = await request();
  }
  return response;
}

beforeAll(async () => {
  // This process only creates the data; the site under test runs in a process of its own (below).
  server = await startTestServer({ pluginConfig: { databaseWaitSeconds: WAIT_SECONDS } });
  user = await createUser(server);
  await server.collections.createCalendar({ owner: user.documentId, name: 'Team', slug: 'team', visibility: 'public' });
  calendarPath = `/dav/calendars/${user.username}/team/`;
});

afterAll(async () => {
  await server?.stop();
});

describeOnServerDatabases('the database server becomes unreachable', () => {
  let proxy: TcpProxy;
  let site: SecondProcess;
  let dav: ReturnType<typeof davClient>;

  beforeAll(async () => {
    proxy = await startTcpProxy({ host: server.database.env.DATABASE_HOST, port: Number(server.database.env.DATABASE_PORT) });
    site = await startSecondProcess(server, { env: { DATABASE_PORT: String(proxy.port) } });
    dav = davClient(site.origin, user);
  });

  afterAll(async () => {
    proxy?.restore();
    await site?.stop();
    await proxy?.close();
  });

  test('cut off: every kind of request gets 503 at once, nothing changes, and service resumes by itself', async () => {
    expect((await dav.put(`${calendarPath}kept.ics`, vevent('kept', { summary: 'Before the outage' }))).status).toBe(201);
    const before = await dav.get(`${calendarPath}kept.ics`);
    expect(before.status).toBe(200);

    proxy.cut();
    const requests: Array<[string, () => Promise<HttpResponse>]> = [
      ['PROPFIND', () => dav.propfind(calendarPath, '1', propfindBody('d:getetag'))],
      ['GET', () => dav.get(`${calendarPath}kept.ics`)],
      ['PUT', () => dav.put(`${calendarPath}lost.ics`, vevent('lost'))],
      ['PUT update', () => dav.put(`${calendarPath}kept.ics`, vevent('kept', { summary: 'During the outage' }))],
      ['DELETE', () => dav.delete(`${calendarPath}kept.ics`)],
      [
        'sync-collection',
        () => dav.report(calendarPath, '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>', '0'),
      ],
      ['feed', () => dav.request('GET', '/dav/feeds/team.ics')],
    ];
    for (const [what, request] of requests) {
      const { result, seconds } = await timed(request);
      expectOutageAnswer(result, what);
      // A refused connection is known at once; well inside the connection wait.
      expect(seconds).toBeLessThan(WAIT_SECONDS + 10);
    }

    proxy.restore();
    const back = await eventually(() => dav.get(`${calendarPath}kept.ics`), 200, 30);
    expect(back.status).toBe(200);
    // What was refused during the outage left no trace.
    expect(back.text).toBe(before.text);
    expect(back.headers.get('etag')).toBe(before.headers.get('etag'));
    expect((await dav.get(`${calendarPath}lost.ics`)).status).toBe(404);
    const listed = readMultistatus((await dav.propfind(calendarPath, '1', propfindBody('d:getetag'))).text).map((entry) => entry.href.split('/').pop());
    expect(listed.filter((name) => name !== '').sort()).toEqual(['kept.ics']);
    // And writes work again.
    expect((await dav.put(`${calendarPath}after.ics`, vevent('after'))).status).toBe(201);
    expect((await dav.request('GET', '/dav/feeds/team.ics')).status).toBe(200);
  });

  test('unanswered: a request waits for a connection no longer than databaseWaitSeconds, then gets 503', async () => {
    proxy.stall();
    const { result, seconds } = await timed(() => dav.put(`${calendarPath}stalled.ics`, vevent('stalled')));
    expectOutageAnswer(result, 'PUT while the database does not answer');
    // The bound is WAIT_SECONDS; the margin is for a busy machine.
    expect(seconds).toBeLessThan(WAIT_SECONDS + 15);

    proxy.restore();
    expect((await eventually(() => dav.get(`${calendarPath}kept.ics`), 200, 30)).status).toBe(200);
    expect((await dav.get(`${calendarPath}stalled.ics`)).status).toBe(404);
    expect((await dav.put(`${calendarPath}stalled.ics`, vevent('stalled'))).status).toBe(201);
  });
});

/** better-sqlite3, the driver Strapi uses for SQLite, opened directly as another program would. */
interface SqliteConnection {
  exec(sql: string): void;
  close(): void;
}
type OpenSqlite = new (filename: string, options?: { timeout?: number }) => SqliteConnection;

describeOnSqlite('another connection holds the SQLite database locked', () => {
  let site: SecondProcess;
  let dav: ReturnType<typeof davClient>;

  beforeAll(async () => {
    site = await startSecondProcess(server);
    dav = davClient(site.origin, user);
  });

  afterAll(async () => {
    await site?.stop();
  });

  test('writes get 503 while the lock is held, reads go on, and writes resume once it is released', async () => {
    expect((await dav.put(`${calendarPath}kept.ics`, vevent('kept', { summary: 'Before the lock' }))).status).toBe(201);
    const before = await dav.get(`${calendarPath}kept.ics`);

    const Database = require('better-sqlite3') as OpenSqlite;
    const holder = new Database(server.database.env.DATABASE_FILENAME);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const put = await timed(() => dav.put(`${calendarPath}lost.ics`, vevent('lost')));
      expectOutageAnswer(put.result, 'PUT');
      // At most SQLite's busy timeout (5 s), not a retry after each wait.
      expect(put.seconds).toBeLessThan(12);
      expectOutageAnswer(await dav.delete(`${calendarPath}kept.ics`), 'DELETE');

      // In write-ahead-log mode (the plugin's default) reading needs no lock: clients still sync.
      const read = await dav.get(`${calendarPath}kept.ics`);
      expect(read.status).toBe(200);
      expect(read.text).toBe(before.text);
      expect((await dav.propfind(calendarPath, '1', propfindBody('d:getetag'))).status).toBe(207);
      expect((await dav.request('GET', '/dav/feeds/team.ics')).status).toBe(200);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }

    expect((await dav.get(`${calendarPath}lost.ics`)).status).toBe(404);
    expect((await dav.get(`${calendarPath}kept.ics`)).text).toBe(before.text);
    expect((await dav.put(`${calendarPath}lost.ics`, vevent('lost'))).status).toBe(201);
    expect((await dav.delete(`${calendarPath}kept.ics`)).status).toBe(204);
  });
});
