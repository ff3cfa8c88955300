/**
 * The site behind nginx terminating TLS, with the configurations of deploy/nginx/ that the README shows: a calendar
 * app given only the site's https address, a username and a password discovers the account (tsdav), lists calendars,
 * creates an event and syncs, and every address in the answers (hrefs, redirects, feed and admin links) is the public
 * one: https, the proxy's host and port, the sub-path the site lives under, never Strapi's own address. Once for a
 * site at the root of its host (Strapi trusting the proxy's X-Forwarded-* headers), once under /cms (Strapi's
 * `server.url`, the prefix stripped by nginx).
 */

import { readFileSync } from 'node:fs';
import type https from 'node:https';
import path from 'node:path';

import { calendarMultiGet, DAVClient, type DAVCalendar } from 'tsdav';

import { propfindBody, readMultistatus, vevent, type DavResponseEntry } from '../harness/dav';
import type { HttpResponse } from '../harness/http';
import { findNginx, freePort, startTlsProxy, type TlsProxy } from '../harness/nginx';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const root = path.join(__dirname, '..', '..');
const nginx = findNginx();
if (!nginx) {
  console.warn('tls-proxy.test.ts: nginx is not installed, so the reverse-proxy tests are SKIPPED. Install it: apt-get install nginx');
}
const describeWithNginx = nginx ? describe : describe.skip;

interface Deployment {
  title: string;
  configFile: string;
  /** The path the site lives under for clients. */
  sitePath: string;
  /** Strapi's config/server settings for it, given the proxy's port. */
  serverConfig(port: number): Record<string, unknown>;
}

const deployments: Deployment[] = [
  {
    title: "a site at the root of its host, Strapi trusting the proxy's X-Forwarded-* headers",
    configFile: path.join(root, 'deploy', 'nginx', 'caldav.conf'),
    sitePath: '',
    serverConfig: () => ({ proxy: { koa: true } }),
  },
  {
    title: "a site under /cms, its public address in Strapi's server.url",
    configFile: path.join(root, 'deploy', 'nginx', 'caldav-subpath.conf'),
    sitePath: '/cms',
    serverConfig: (port) => ({ url: `https://127.0.0.1:${port}/cms` }),
  },
];

test('the README shows the nginx configurations this test runs, as they are', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  for (const { configFile } of deployments) expect(readme).toContain(readFileSync(configFile, 'utf8').trim());
});

const CARDDAV = 'urn:ietf:params:xml:ns:carddav';

/** Fails showing the URL when it does not start with `prefix`. */
const expectStartsWith = (url: string | null | undefined, prefix: string) => expect((url ?? '').slice(0, prefix.length)).toBe(prefix);

describeWithNginx.each(deployments)('behind nginx with TLS: $title', (deployment) => {
  const { sitePath } = deployment;
  let server: TestServer;
  let proxy: TlsProxy;
  let user: TestUser;
  /** The site's public address, e.g. https://127.0.0.1:41234/cms */
  let site: string;
  /** Strapi's own address, which no answer may mention. */
  let internalHost: string;
  let fetchOptions: RequestInit & { agent: https.Agent };

  beforeAll(async () => {
    const port = await freePort();
    server = await startTestServer({ serverConfig: deployment.serverConfig(port) });
    internalHost = new URL(server.origin).host;
    proxy = await startTlsProxy({ configFile: deployment.configFile, upstreamPort: Number(new URL(server.origin).port), port });
    site = `${proxy.origin}${sitePath}`;
    fetchOptions = { agent: proxy.agent };
    user = await createUser(server, { username: `tls_${sitePath === '' ? 'root' : 'cms'}` });
    const work = await server.collections.createCalendar({ owner: user.documentId, name: 'Work', slug: 'work', visibility: 'public', timezone: 'Europe/Paris' });
    await server.collections.createEvent(work.documentId, { summary: 'Planned in the admin', start: '2026-05-04T08:00:00.000Z', end: '2026-05-04T09:00:00.000Z' });
    await server.collections.createAddressBook({ owner: user.documentId, name: 'Contacts', slug: 'contacts' });
  });

  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  const davRoot = () => `${site}/dav/`;
  const home = () => `${davRoot()}calendars/${user.username}/`;

  /** A raw request through the proxy as the user. */
  const dav = (method: string, url: string, body?: string, headers: Record<string, string> = {}) =>
    proxy.request(method, url, { basic: user, body, headers: body === undefined ? headers : { 'Content-Type': 'application/xml; charset=utf-8', ...headers } });

  /** An answer that never names Strapi's own address, in its headers or its body. */
  function expectNoInternalAddress(response: HttpResponse): void {
    expect(response.text).not.toContain(internalHost);
    for (const [name, value] of response.headers) expect(`${name}: ${value}`).not.toContain(internalHost);
  }

  /** The public URL an href of an answer to `requestUrl` stands for; it must be in the site's DAV tree. */
  function expectPublicDavUrl(href: string, requestUrl: string): string {
    const resolved = new URL(href, requestUrl).href;
    expectStartsWith(resolved, davRoot());
    return resolved;
  }

  /** Every href of a multistatus (the responses' own and those inside properties), mailto: addresses aside. */
  function hrefsOf(entries: DavResponseEntry[]): string[] {
    return entries.flatMap((entry) => [entry.href, ...[...entry.props.values()].flatMap((prop) => prop.hrefs)]).filter((href) => !href.startsWith('mailto:'));
  }

  async function multistatus(response: HttpResponse, requestUrl: string): Promise<DavResponseEntry[]> {
    expect(response.status).toBe(207);
    expectNoInternalAddress(response);
    const entries = readMultistatus(response.text);
    for (const href of hrefsOf(entries)) expectPublicDavUrl(href, requestUrl);
    return entries;
  }

  test('the well-known addresses redirect to the public DAV root, for any method', async () => {
    // At the root of the host, where RFC 6764 puts them, and below the site's path, where some apps also look.
    const bases = [...new Set([proxy.origin, site])];
    for (const base of bases) {
      for (const service of ['caldav', 'carddav']) {
        for (const method of ['GET', 'PROPFIND']) {
          const requestUrl = `${base}/.well-known/${service}`;
          const response = await proxy.request(method, requestUrl);
          expect(response.status).toBe(301);
          expectNoInternalAddress(response);
          expect(new URL(response.headers.get('location') ?? '', requestUrl).href).toBe(davRoot());
        }
      }
    }
  });

  test('tsdav discovers the CalDAV account from the site address, creates an event and syncs it back', async () => {
    const client = new DAVClient({
      serverUrl: `${site}/`,
      credentials: { username: user.username, password: user.password },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
      fetchOptions,
    });
    await client.login();
    expect(client.account).toMatchObject({
      rootUrl: davRoot(),
      principalUrl: `${davRoot()}principals/${user.username}/`,
      homeUrl: home(),
    });

    const calendars = await client.fetchCalendars();
    expect(calendars.map((calendar) => calendar.displayName)).toEqual(['Work']);
    const work: DAVCalendar = { ...calendars[0] };
    expect(work.url).toBe(`${home()}work/`);
    const before = await client.fetchCalendarObjects({ calendar: work });
    expect(before).toHaveLength(1);
    expectStartsWith(before[0].url, work.url);
    expect(before[0].data).toContain('SUMMARY:Planned in the admin');
    work.objects = before;

    // A name with a space and an accent: nginx passes the percent-encoded path as the client wrote it.
    const uid = `tls-${Date.now()}@example.test`;
    const created = await client.createCalendarObject({ calendar: work, filename: 'café meeting.ics', iCalString: vevent(uid, { summary: 'Through the proxy' }) });
    expect(created.status).toBe(201);

    // The sync as tsdav's syncCalendars runs it for a changed calendar: the changes since the calendar's last
    // sync-token (sync-collection), then the changed events by the hrefs the server gave (calendar-multiget).
    const synced = await client.smartCollectionSync({ collection: { ...work, objectMultiGet: calendarMultiGet }, method: 'webdav', detailedResult: true });
    expect(synced.url).toBe(work.url);
    expect(synced.syncToken).not.toBe(work.syncToken);
    expect(synced.objects.updated).toEqual([]);
    expect(synced.objects.deleted).toEqual([]);
    expect(synced.objects.created).toHaveLength(1);
    const [added] = synced.objects.created;
    expect(String(added.data)).toContain(`UID:${uid}`);
    expect(String(added.data)).toContain('SUMMARY:Through the proxy');
    expect(new URL(added.url, work.url).href).toBe(`${work.url}caf%C3%A9%20meeting.ics`);
  });

  test('tsdav discovers the CardDAV account and writes and reads a vCard', async () => {
    const client = new DAVClient({
      serverUrl: `${site}/`,
      credentials: { username: user.username, password: user.password },
      authMethod: 'Basic',
      defaultAccountType: 'carddav',
      fetchOptions,
    });
    await client.login();
    expect(client.account?.homeUrl).toBe(`${davRoot()}addressbooks/${user.username}/`);
    const books = await client.fetchAddressBooks();
    expect(books.map((book) => book.url)).toEqual([`${davRoot()}addressbooks/${user.username}/contacts/`]);
    const vcard = ['BEGIN:VCARD', 'VERSION:3.0', 'UID:ada-tls', 'FN:Ada Lovelace', 'N:Lovelace;Ada;;;', 'END:VCARD', ''].join('\r\n');
    expect((await client.createVCard({ addressBook: books[0], vCardString: vcard, filename: 'ada.vcf' })).status).toBe(201);
    const cards = await client.fetchVCards({ addressBook: books[0] });
    expect(cards.map((card) => card.url)).toEqual([`${books[0].url}ada.vcf`]);
    expect(String(cards[0].data)).toContain('FN:Ada Lovelace');
  });

  test("every href of a client's discovery, sync, multiget and move is a public URL of the site", async () => {
    // The site's address, as a client given nothing else asks it.
    const siteRoot = `${site}/`;
    const rootAnswer = await dav('PROPFIND', siteRoot, propfindBody('d:current-user-principal', 'd:principal-URL', 'c:calendar-home-set'), { Depth: '0' });
    expect(rootAnswer.status).toBe(207);
    expectNoInternalAddress(rootAnswer);
    const [rootEntry] = readMultistatus(rootAnswer.text);
    expect(new URL(rootEntry.href, siteRoot).href).toBe(siteRoot);
    const principal = expectPublicDavUrl(rootEntry.props.get('{DAV:}current-user-principal')?.hrefs[0] ?? '', siteRoot);
    expect(principal).toBe(`${davRoot()}principals/${user.username}/`);

    const principalProps = await multistatus(
      await dav(
        'PROPFIND',
        principal,
        `<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:card="${CARDDAV}"><d:prop><d:principal-URL/><c:calendar-home-set/><card:addressbook-home-set/><c:calendar-user-address-set/><d:principal-collection-set/><d:group-membership/></d:prop></d:propfind>`,
        { Depth: '0' },
      ),
      principal,
    );
    const homeUrl = expectPublicDavUrl(principalProps[0].props.get('{urn:ietf:params:xml:ns:caldav}calendar-home-set')?.hrefs[0] ?? '', principal);
    expect(homeUrl).toBe(home());
    expect(new URL(principalProps[0].props.get(`{${CARDDAV}}addressbook-home-set`)?.hrefs[0] ?? '', principal).href).toBe(`${davRoot()}addressbooks/${user.username}/`);

    // The calendar home with what iOS and macOS ask for, the public calendar's feed (publish-url) among it.
    const homeEntries = await multistatus(
      await dav('PROPFIND', homeUrl, propfindBody('d:resourcetype', 'd:displayname', 'd:owner', 'd:current-user-privilege-set', 'cs:getctag', 'd:sync-token', 'cs:publish-url', 'd:acl'), { Depth: '1' }),
      homeUrl,
    );
    const workEntry = homeEntries.find((entry) => entry.props.get('{DAV:}displayname')?.text === 'Work');
    const workUrl = new URL(workEntry?.href ?? '', homeUrl).href;
    expect(workUrl).toBe(`${home()}work/`);
    const feedUrl = new URL(workEntry?.props.get('{http://calendarserver.org/ns/}publish-url')?.hrefs[0] ?? '', homeUrl).href;
    expect(feedUrl).toBe(`${davRoot()}feeds/work.ics`);
    const feed = await proxy.request('GET', feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('SUMMARY:Planned in the admin');

    // A sync from the start, then a multiget of every member it listed, by path and by absolute URL.
    const sync = await multistatus(
      await dav('REPORT', workUrl, '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>'),
      workUrl,
    );
    const memberUrls = sync.map((entry) => new URL(entry.href, workUrl)).filter((url) => url.pathname.endsWith('.ics'));
    expect(memberUrls.length).toBeGreaterThanOrEqual(1);
    const requested = [...memberUrls.map((url) => url.pathname), ...memberUrls.map((url) => url.href)];
    const multiget = await multistatus(
      await dav(
        'REPORT',
        workUrl,
        `<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>${requested.map((href) => `<d:href>${href}</d:href>`).join('')}</c:calendar-multiget>`,
        { Depth: '1' },
      ),
      workUrl,
    );
    expect(multiget).toHaveLength(requested.length);
    for (const entry of multiget) {
      expect(entry.status).toBeUndefined();
      expect(entry.props.get('{urn:ietf:params:xml:ns:caldav}calendar-data')?.status).toBe(200);
    }

    // MOVE names its destination with the public absolute URL, as clients do.
    const source = memberUrls[0].href;
    const destination = `${workUrl}moved-through-the-proxy.ics`;
    const moved = await dav('MOVE', source, undefined, { Destination: destination, Overwrite: 'F' });
    expect(moved.status).toBe(201);
    expectNoInternalAddress(moved);
    expect((await dav('GET', destination)).status).toBe(200);
    expect((await dav('GET', source)).status).toBe(404);
  });

  test('the links of the calendar panel and of the content API are the public ones', async () => {
    const register = await proxy.request('POST', `${site}/admin/register-admin`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.test', firstname: 'Ada', lastname: 'Admin', password: 'Admin-password-1' }),
    });
    expect(register.status).toBe(200);
    const adminToken = register.json<{ data: { token: string } }>().data.token;
    const work = await server.collections.findCalendarBySlug('work');
    const webcalSite = site.replace(/^https:/, 'webcal:');

    type Links = { caldavUrl: string; publicFeedUrl: string | null; publicWebcalUrl: string | null; privateFeedUrl: string | null; privateWebcalUrl: string | null };
    const details = await proxy.request('GET', `${site}/caldav/calendars/${work?.documentId}`, { bearer: adminToken });
    expect(details.status).toBe(200);
    expectNoInternalAddress(details);
    expect(details.json<{ data: { links: Links } }>().data.links).toEqual({
      caldavUrl: `${home()}work/`,
      publicFeedUrl: `${davRoot()}feeds/work.ics`,
      publicWebcalUrl: `${webcalSite}/dav/feeds/work.ics`,
      privateFeedUrl: null,
      privateWebcalUrl: null,
    });

    const withSecret = await proxy.request('POST', `${site}/caldav/calendars/${work?.documentId}/feed-token`, { bearer: adminToken });
    expect(withSecret.status).toBe(200);
    expectNoInternalAddress(withSecret);
    const secret = withSecret.json<{ data: { links: Links } }>().data.links;
    expectStartsWith(secret.privateFeedUrl, `${davRoot()}feeds/private/`);
    expect(secret.privateWebcalUrl).toBe(secret.privateFeedUrl?.replace(/^https:/, 'webcal:'));
    const privateFeed = await proxy.request('GET', secret.privateFeedUrl ?? '');
    expect(privateFeed.status).toBe(200);
    expect(privateFeed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');

    // The signed-in user's own links, through the content API.
    const login = await proxy.request('POST', `${site}/api/auth/local`, {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: user.username, password: user.password }),
    });
    expect(login.status).toBe(200);
    const feedLinks = await proxy.request('GET', `${site}/api/caldav/feed-links`, { bearer: login.json<{ jwt: string }>().jwt });
    expect(feedLinks.status).toBe(200);
    expectNoInternalAddress(feedLinks);
    expect(feedLinks.json<{ data: Array<Links & { slug: string }> }>().data.find((links) => links.slug === 'work')).toMatchObject({
      caldavUrl: `${home()}work/`,
      publicFeedUrl: `${davRoot()}feeds/work.ics`,
      publicWebcalUrl: `${webcalSite}/dav/feeds/work.ics`,
      privateFeedUrl: secret.privateFeedUrl,
    });
  });
});
