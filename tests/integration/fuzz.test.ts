/**
 * Generated requests against one server that holds a user's calendar (recurring events too), a public calendar, an
 * address book and another user's private calendar: DAV methods and junk ones, valid paths and random segments in
 * odd encodings, the headers DAV clients send (and broken ones), and bodies that are DAV XML requests, iCalendar
 * objects or vCards, valid or mutated (flipped bytes, cuts, repeats, swapped namespaces). Every request must be
 * answered, none with a 5xx; XML answers must be well-formed; no answer may show a stack trace, SQL or a file path;
 * the plugin's answers carry its security headers and, CORS not being configured here, no Access-Control-* header;
 * and normal requests are answered afterwards.
 *
 * FUZZ_RUNS sets the number of requests (default 1500), FUZZ_SECONDS the time they may take (default 45), FUZZ_SEED
 * replays a run; a failure prints the request that caused it.
 */

import http from 'node:http';
import path from 'node:path';

import fc from 'fast-check';
import { SaxesParser } from 'saxes';

import { LEAKS } from '../harness/leaks';
import { propfindBody, vevent } from '../harness/dav';
import { createUser, type TestUser } from '../harness/people';
import { startTestServer, type TestServer } from '../harness/strapi';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 45);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let server: TestServer;
let user: TestUser;
let stranger: TestUser;
let jwt: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/** Sends exactly what was generated; null when Node's client itself refuses it (an invalid header, say). */
function send(request: FuzzRequest): Promise<Reply | null> {
  const { hostname, port } = new URL(server.origin);
  const headers: Record<string, string> = { ...request.headers };
  if (request.body) headers['Content-Length'] = String(request.body.length);
  return new Promise((resolve, reject) => {
    let outgoing: http.ClientRequest;
    try {
      outgoing = http.request({ hostname, port, method: request.method, path: request.path, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const replyHeaders = Object.fromEntries(
            Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
          );
          resolve({ status: response.statusCode ?? 0, headers: replyHeaders, body: Buffer.concat(chunks) });
        });
      });
    } catch (error) {
      if (error instanceof TypeError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_')) {
        resolve(null);
        return;
      }
      throw error;
    }
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('no answer within 30 seconds')));
    outgoing.on('error', reject);
    outgoing.end(request.body ?? undefined);
  });
}


function wellFormedXml(text: string): string | null {
  const parser = new SaxesParser({ xmlns: true });
  let problem: string | null = null;
  parser.on('error', (error) => {
    problem ??= error.message;
  });
  try {
    parser.write(text).close();
  } catch (error) {
    problem ??= (error as Error).message;
  }
  return problem;
}

const SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-resource-policy', 'content-security-policy'];

/** Whether the plugin (and not Strapi, or Node's HTTP parser) answered. */
function answeredByPlugin(request: FuzzRequest, reply: Reply): boolean {
  // Node's parser answers a request it cannot read (an unknown method, say) with a bare 400 without a Date.
  if (!('date' in reply.headers)) return false;
  const pathname = request.path.split('?')[0].split('#')[0];
  return 'dav' in reply.headers || pathname === '/dav' || pathname.startsWith('/dav/');
}

/** Every property the fuzz test holds for one answer; throws naming the first that fails. */
function checkReply(request: FuzzRequest, reply: Reply): void {
  // Outside the DAV tree Strapi answers (501 for a method it does not know, 500 for a broken multipart body): what
  // it answers there is held only to being an answer that shows nothing.
  if (reply.status >= 500 && answeredByPlugin(request, reply)) throw new Error(`answered ${reply.status}: ${reply.body.toString('utf8').slice(0, 500)}`);
  if (reply.status < 100) throw new Error(`no valid status: ${reply.status}`);
  const text = reply.body.toString('utf8');
  // The request's own path may come back in a message; what it holds is not a leak.
  const echoed = [request.path, safeDecode(request.path)].filter((form) => form.length > 0);
  const visible = echoed.reduce((result, form) => result.split(form).join('<path>'), text);
  const headerText = Object.entries(reply.headers).map(([name, value]) => `${name}: ${value}`).join('\n');
  for (const leak of LEAKS) {
    if (leak.test(visible)) throw new Error(`the body shows ${leak}: ${text.slice(0, 800)}`);
    if (leak.test(echoed.reduce((result, form) => result.split(form).join('<path>'), headerText))) throw new Error(`the headers show ${leak}: ${headerText}`);
  }
  const contentType = reply.headers['content-type'] ?? '';
  if (/xml/i.test(contentType) && text.trim() !== '') {
    const problem = wellFormedXml(text);
    if (problem) throw new Error(`the XML answer is not well-formed (${problem}): ${text.slice(0, 800)}`);
  }
  if (answeredByPlugin(request, reply)) {
    const cors = Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'));
    if (cors.length > 0) throw new Error(`CORS is not configured, yet the answer has ${cors.join(', ')}`);
    const missing = SECURITY_HEADERS.filter((name) => !(name in reply.headers));
    if (missing.length > 0) throw new Error(`the answer lacks ${missing.join(', ')}`);
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// --- What is generated ------------------------------------------------------------------------------------------

const HOME = '/dav/calendars/fuzzer';
const BOOK = '/dav/addressbooks/fuzzer/people';
const VALID_PATHS = [
  '/dav/',
  '/dav/principals/',
  '/dav/principals/fuzzer/',
  '/dav/principals/stranger/',
  '/dav/principals/roles/authenticated/',
  '/dav/calendars/',
  `${HOME}/`,
  `${HOME}/work/`,
  `${HOME}/work/plain.ics`,
  `${HOME}/work/weekly.ics`,
  `${HOME}/work/allday.ics`,
  `${HOME}/work/berlin.ics`,
  `${HOME}/work/todo.ics`,
  `${HOME}/work/new.ics`,
  `${HOME}/open/`,
  `${HOME}/open/open.ics`,
  `${HOME}/made-here/`,
  '/dav/calendars/stranger/hidden/',
  '/dav/calendars/stranger/hidden/secret.ics',
  '/dav/addressbooks/',
  '/dav/addressbooks/fuzzer/',
  `${BOOK}/`,
  `${BOOK}/ann.vcf`,
  `${BOOK}/bob.vcf`,
  `${BOOK}/new.vcf`,
  '/dav/addressbooks/fuzzer/new-book/',
  '/dav/feeds/open.ics',
  '/dav/feeds/hidden.ics',
  '/dav/feeds/private/not-a-token.ics',
];
const ODD_PATHS = [
  '/',
  '/dav',
  '/.well-known/caldav',
  '/.well-known/carddav/',
  '/dav//calendars//fuzzer//work//',
  '/davx/',
  '/DAV/',
  '/dav/feeds/',
  '/dav/feeds',
  '/dav/feeds/private/',
  '/dav/calendars/fuzzer/work/plain.ics/extra',
  '/dav/calendars/fuzzer/work/plain.ics/extra/more',
  '/dav/principals/roles/',
  '/dav/principals/roles/nothing/x',
];
const SEGMENTS = [
  'principals', 'calendars', 'addressbooks', 'feeds', 'private', 'roles', 'authenticated', 'fuzzer', 'stranger', 'nobody',
  'work', 'open', 'hidden', 'people', 'plain.ics', 'weekly.ics', 'todo.ics', 'ann.vcf', 'secret.ics', 'open.ics', 'x.vcf',
  '', '.', '..', '%2e%2e', '%2E', '%2F', '%5C', '%00', '%0A', '%0D%0A', '%ff', '%c3%28', '%E2%82%AC', '%F0%9F%98%80',
  '%ed%a0%80', 'a%20b', '%', '%g0', '%%', '~', '@', '%40', '\u00e9', 'CON', 'a'.repeat(300), '%61'.repeat(100), ';x=1', '*', '?', '?depth=1',
];
// ASCII only: Node's HTTP parser refuses other bytes in a request line (a few raw ones are among SEGMENTS).
const PATH_CHARS = [...'!$&\'()*+,-.0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~%\\"<>'];

const etags = ['*', '"x"', 'W/"x"', '""', '"', 'x', '*, "x"', '"a", "b"', 'W/', ' ', '"' + 'e'.repeat(300) + '"'];

const CAL = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';
const CARD = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"';
const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';
const VTIMEZONE_CALENDAR = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Fuzz//EN', 'BEGIN:VTIMEZONE', 'TZID:Europe/Berlin', 'BEGIN:STANDARD', 'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU', 'TZOFFSETFROM:+0200', 'TZOFFSETTO:+0100', 'END:STANDARD', 'BEGIN:DAYLIGHT', 'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU', 'TZOFFSETFROM:+0100', 'TZOFFSETTO:+0200', 'END:DAYLIGHT', 'END:VTIMEZONE', 'END:VCALENDAR', '',
].join('\r\n');

const PROPFIND_BODIES = [
  propfindBody('d:displayname', 'd:getetag', 'd:resourcetype', 'cs:getctag', 'd:sync-token', 'd:current-user-privilege-set'),
  propfindBody('d:current-user-principal', 'c:calendar-home-set', 'd:principal-URL', 'd:owner', 'd:acl', 'd:supported-report-set'),
  propfindBody('c:calendar-data', 'c:supported-calendar-component-set', 'c:calendar-timezone', 'ic:calendar-color', 'ic:calendar-order', 'cs:publish-url'),
  '<d:propfind xmlns:d="DAV:"><d:allprop/><d:include><d:acl/><d:owner/></d:include></d:propfind>',
  '<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>',
  '<d:propfind xmlns:d="DAV:"/>',
  '<d:propfind xmlns:d="DAV:"><d:prop/></d:propfind>',
  '<d:propfind xmlns:d="DAV:"><d:prop><x:y xmlns:x="urn:example"/><d:displayname/></d:prop><d:allprop/></d:propfind>',
];
const PROPPATCH_BODIES = [
  '<d:propertyupdate xmlns:d="DAV:" xmlns:a="http://apple.com/ns/ical/"><d:set><d:prop><d:displayname>Fuzzed</d:displayname><a:calendar-color>#123456FF</a:calendar-color><a:calendar-order>3</a:calendar-order></d:prop></d:set></d:propertyupdate>',
  `<d:propertyupdate ${CAL}><d:set><d:prop><c:calendar-timezone><![CDATA[${VTIMEZONE_CALENDAR}]]></c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
  `<d:propertyupdate ${CAL}><d:set><d:prop><c:calendar-description>About &amp; around</c:calendar-description><x:note xmlns:x="urn:example:notes"><x:deep a="1">text</x:deep></x:note></d:prop></d:set><d:remove><d:prop><d:displayname/></d:prop></d:remove></d:propertyupdate>`,
  '<d:propertyupdate xmlns:d="DAV:"><d:remove><d:prop><d:getetag/><d:resourcetype/></d:prop></d:remove></d:propertyupdate>',
  `<d:propertyupdate ${CARD}><d:set><d:prop><card:addressbook-description>People</card:addressbook-description></d:prop></d:set></d:propertyupdate>`,
];
const hrefs = (list: string[]) => list.map((href) => `<d:href>${href}</d:href>`).join('');
const REPORT_BODIES = [
  `<c:calendar-query ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260101T000000Z" end="20270101T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
  `<c:calendar-query ${CAL}><d:prop><c:calendar-data><c:expand start="20260301T000000Z" end="20260601T000000Z"/></c:calendar-data></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="20260301T000000Z" end="20260601T000000Z"/></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
  `<c:calendar-query ${CAL}><d:prop><c:calendar-data><c:limit-recurrence-set start="20260301T000000Z" end="20260401T000000Z"/><c:comp name="VCALENDAR"><c:comp name="VEVENT"><c:prop name="SUMMARY"/><c:prop name="UID"/></c:comp></c:comp></c:calendar-data></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="SUMMARY"><c:text-match collation="i;unicode-casemap" negate-condition="yes">meet</c:text-match></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
  `<c:calendar-query ${CAL}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VTODO"><c:prop-filter name="COMPLETED"><c:is-not-defined/></c:prop-filter></c:comp-filter></c:comp-filter></c:filter><c:timezone><![CDATA[${VTIMEZONE_CALENDAR}]]></c:timezone></c:calendar-query>`,
  `<c:calendar-query ${CAL}><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:prop-filter name="ATTENDEE"><c:param-filter name="PARTSTAT"><c:text-match>ACCEPTED</c:text-match></c:param-filter></c:prop-filter><c:prop-filter name="DTSTART"><c:time-range start="20260101T000000Z"/></c:prop-filter></c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`,
  `<c:calendar-multiget ${CAL}><d:prop><d:getetag/><c:calendar-data/></d:prop>${hrefs([`${HOME}/work/plain.ics`, `${HOME}/work/weekly.ics`, '/dav/calendars/stranger/hidden/secret.ics', '/elsewhere/x.ics', 'http://[bad/x', `${HOME}/work/`])}</c:calendar-multiget>`,
  `<c:free-busy-query ${CAL}><c:time-range start="20260101T000000Z" end="20261231T000000Z"/></c:free-busy-query>`,
  '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
  '<d:sync-collection xmlns:d="DAV:"><d:sync-token>urn:strapi-caldav:sync:x:1</d:sync-token><d:sync-level>1</d:sync-level><d:limit><d:nresults>2</d:nresults></d:limit><d:prop><d:getetag/><c:calendar-data xmlns:c="urn:ietf:params:xml:ns:caldav"/></d:prop></d:sync-collection>',
  '<d:sync-collection xmlns:d="DAV:"><d:sync-token></d:sync-token><d:sync-level>infinite</d:sync-level><d:limit><d:nresults>1</d:nresults></d:limit><d:prop><d:getetag/></d:prop></d:sync-collection>',
  `<card:addressbook-query ${CARD}><d:prop><d:getetag/><card:address-data><card:prop name="FN"/><card:prop name="EMAIL"/></card:address-data></d:prop><card:filter test="anyof"><card:prop-filter name="FN"><card:text-match collation="i;unicode-casemap" match-type="contains">an</card:text-match></card:prop-filter><card:prop-filter name="EMAIL"><card:param-filter name="TYPE"><card:text-match match-type="equals">work</card:text-match></card:param-filter></card:prop-filter></card:filter><card:limit><card:nresults>1</card:nresults></card:limit></card:addressbook-query>`,
  `<card:addressbook-multiget ${CARD}><d:prop><d:getetag/><card:address-data content-type="text/vcard" version="4.0"/></d:prop>${hrefs([`${BOOK}/ann.vcf`, `${BOOK}/bob.vcf`, `${BOOK}/none.vcf`])}</card:addressbook-multiget>`,
  '<d:expand-property xmlns:d="DAV:"><d:property name="principal-URL"><d:property name="displayname"/><d:property name="calendar-home-set" namespace="urn:ietf:params:xml:ns:caldav"><d:property name="displayname"/></d:property></d:property><d:property name="owner"><d:property name="displayname"/></d:property></d:expand-property>',
  `<d:principal-property-search xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" test="allof"><d:property-search><d:prop><d:displayname/></d:prop><d:match match-type="starts-with">fu</d:match></d:property-search><d:prop><d:displayname/><c:calendar-user-address-set/></d:prop></d:principal-property-search>`,
  '<d:principal-search-property-set xmlns:d="DAV:"/>',
  '<d:unknown-report xmlns:d="DAV:"/>',
];
const MK_BODIES = [
  `<c:mkcalendar ${CAL}><d:set><d:prop><d:displayname>Made</d:displayname><c:supported-calendar-component-set><c:comp name="VEVENT"/><c:comp name="VTODO"/></c:supported-calendar-component-set><c:calendar-timezone><![CDATA[${VTIMEZONE_CALENDAR}]]></c:calendar-timezone></d:prop></d:set></c:mkcalendar>`,
  `<d:mkcol ${CARD}><d:set><d:prop><d:resourcetype><d:collection/><card:addressbook/></d:resourcetype><d:displayname>Book</d:displayname></d:prop></d:set></d:mkcol>`,
  `<d:mkcol ${CAL}><d:set><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><c:supported-calendar-component-set><c:comp name="VJOURNAL"/></c:supported-calendar-component-set></d:prop></d:set></d:mkcol>`,
];
const OTHER_XML_BODIES = [
  '<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>',
  '<d:acl xmlns:d="DAV:"><d:ace><d:principal><d:all/></d:principal><d:grant><d:privilege><d:all/></d:privilege></d:grant></d:ace></d:acl>',
];

const ical = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Fuzz//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const ICS_BODIES = [
  vevent('fuzz-plain', { summary: 'Plain' }),
  ical(
    'BEGIN:VEVENT', 'UID:fuzz-weekly', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260302T090000Z', 'DTEND:20260302T100000Z', 'SUMMARY:Weekly',
    'RRULE:FREQ=WEEKLY;COUNT=10', 'EXDATE:20260309T090000Z', 'END:VEVENT',
    'BEGIN:VEVENT', 'UID:fuzz-weekly', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID:20260316T090000Z', 'DTSTART:20260317T090000Z', 'DTEND:20260317T100000Z', 'SUMMARY:Moved', 'END:VEVENT',
  ),
  ical('BEGIN:VEVENT', 'UID:fuzz-allday', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260401', 'DTEND;VALUE=DATE:20260402', 'SUMMARY:All day', 'END:VEVENT'),
  VTIMEZONE_CALENDAR.replace(
    'END:VCALENDAR',
    ['BEGIN:VEVENT', 'UID:fuzz-berlin', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20260501T090000', 'DTEND;TZID=Europe/Berlin:20260501T100000', 'SUMMARY:Berlin', 'RRULE:FREQ=DAILY;UNTIL=20260510T070000Z', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'),
  ),
  ical('BEGIN:VTODO', 'UID:fuzz-todo', 'DTSTAMP:20260101T000000Z', 'DUE:20260601T000000Z', 'SUMMARY:Todo', 'STATUS:NEEDS-ACTION', 'END:VTODO'),
  ical(
    'BEGIN:VEVENT', 'UID:fuzz-rich', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260601T090000Z', 'DURATION:PT1H', 'SUMMARY:Rich\\, with escapes\\; and more',
    'ORGANIZER;CN=Org:mailto:org@example.test', 'ATTENDEE;PARTSTAT=ACCEPTED;CN="Ann, A.":mailto:ann@example.test', 'CATEGORIES:A,B',
    'DESCRIPTION:Line one\\nline two', 'BEGIN:VALARM', 'ACTION:DISPLAY', 'TRIGGER:-PT15M', 'DESCRIPTION:Soon', 'END:VALARM', 'END:VEVENT',
  ),
  ical('BEGIN:VEVENT', 'UID:fuzz-endless', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260101T000000Z', 'DTEND:20260101T000100Z', 'RRULE:FREQ=MINUTELY;BYSETPOS=-1;BYDAY=MO', 'SUMMARY:Endless', 'END:VEVENT'),
  ical('BEGIN:VJOURNAL', 'UID:fuzz-journal', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20260101', 'SUMMARY:Journal', 'END:VJOURNAL'),
];
const vcf = (...lines: string[]) => ['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n');
const VCF_BODIES = [
  vcf('VERSION:3.0', 'UID:fuzz-ann', 'FN:Ann Example', 'N:Example;Ann;;;', 'EMAIL;TYPE=work:ann@example.test', 'TEL;TYPE=cell:+1 555 0100'),
  vcf('VERSION:4.0', 'UID:urn:uuid:fuzz-bob', 'FN:Bob Example', 'N:Example;Bob;;;', 'item1.EMAIL:bob@example.test', 'item1.X-ABLabel:Other', 'ADR;TYPE=home:;;1 Street;Town;;12345;Land', 'BDAY:--0415', 'PHOTO:data:image/png;base64,iVBORw0KGgo='),
  vcf('VERSION:3.0', 'UID:fuzz-org', 'FN:Org', 'ORG:Company\\, Inc.;Unit', 'NOTE:Folded', ' line', 'CATEGORIES:x,y'),
];

type Template = { kind: 'xml' | 'ics' | 'vcf'; text: string };
const templates = (kind: Template['kind'], texts: string[]): Template[] => texts.map((text) => ({ kind, text: kind === 'xml' ? `${XML_DECLARATION}${text}` : text }));
const XML_TEMPLATES = {
  PROPFIND: templates('xml', PROPFIND_BODIES),
  PROPPATCH: templates('xml', PROPPATCH_BODIES),
  REPORT: templates('xml', REPORT_BODIES),
  MKCALENDAR: templates('xml', MK_BODIES),
  MKCOL: templates('xml', MK_BODIES),
};
const ALL_TEMPLATES: Template[] = [
  ...Object.values(XML_TEMPLATES).flat(),
  ...templates('xml', OTHER_XML_BODIES),
  ...templates('ics', ICS_BODIES),
  ...templates('vcf', VCF_BODIES),
];

const INSERTIONS = [
  '<', '>', '&', '&amp;', '&#0;', '&#x110000;', '&nope;', ']]>', '<![CDATA[', '<!--', '-->', '\u0000', '\r\n', '\r\n ', '\n\t', ':', ';', '"', "'", '\ufffd', '\u202e',
  '<!DOCTYPE d [<!ENTITY e "xxxxxxxxxxxxxxxx"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;">]>', '&e;&f;', '<?xml version="1.0"?>', 'xmlns:d="urn:other"', 'xmlns=""',
  '<x xmlns="DAV:">', '</x>', '<d:href>/dav/calendars/stranger/hidden/secret.ics</d:href>', '<d:href>../../../etc/passwd</d:href>',
  '<d:prop><d:getetag/></d:prop>', '<c:time-range start="99991231T235959Z" end="00010101T000000Z"/>', '<c:time-range start="garbage"/>',
  'BEGIN:VEVENT\r\n', 'END:VEVENT\r\n', 'END:VCALENDAR\r\n', 'BEGIN:VCALENDAR\r\n', 'RRULE:FREQ=SECONDLY\r\n', 'RRULE:FREQ=YEARLY;COUNT=99999999\r\n',
  'DTSTART:99991231T235959Z\r\n', 'DTSTART;TZID=Mars/Olympus:20260101T000000\r\n', 'RECURRENCE-ID:20260101T000000Z\r\n', 'EXDATE:garbage\r\n',
  'UID:\r\n', 'UID:fuzz-plain\r\n', 'DURATION:-P1D\r\n', 'ATTACH;ENCODING=BASE64;VALUE=BINARY:!!!!\r\n', 'BEGIN:VCARD\r\n', 'VERSION:2.1\r\n', 'PHOTO;ENCODING=b:####\r\n',
];

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number; times: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'swap-namespaces'; which: number };

const NAMESPACES = ['DAV:', 'urn:ietf:params:xml:ns:caldav', 'urn:ietf:params:xml:ns:carddav'];

function mutate(text: string, mutations: Mutation[]): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  for (const mutation of mutations) {
    const at = bytes.length === 0 ? 0 : mutation.kind === 'swap-namespaces' ? 0 : mutation.at % (bytes.length + 1);
    switch (mutation.kind) {
      case 'flip':
        if (bytes.length > 0) bytes[at % bytes.length] ^= mutation.value;
        break;
      case 'truncate':
        bytes = bytes.subarray(0, at);
        break;
      case 'duplicate': {
        const slice = bytes.subarray(at, at + mutation.length);
        bytes = Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: mutation.times + 1 }, () => slice), bytes.subarray(at + slice.length)]);
        break;
      }
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + mutation.length)]);
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(mutation.text, 'utf8'), bytes.subarray(at)]);
        break;
      case 'swap-namespaces': {
        let swapped = bytes.toString('utf8');
        const choice = mutation.which % 4;
        if (choice < 3) {
          // Rotates the three DAV namespaces, so that every element lands in a namespace it does not belong to.
          const from = NAMESPACES[choice];
          const to = NAMESPACES[(choice + 1) % NAMESPACES.length];
          swapped = swapped.split(`"${from}"`).join('"\u0001"').split(`"${to}"`).join(`"${from}"`).split('"\u0001"').join(`"${to}"`);
        } else {
          // Drops the namespace declarations: every prefix is unbound.
          swapped = swapped.replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
        }
        bytes = Buffer.from(swapped, 'utf8');
        break;
      }
    }
  }
  return bytes;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.nat({ max: 300 }), times: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 60 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...INSERTIONS) }),
  fc.record({ kind: fc.constant('swap-namespaces' as const), which: fc.nat() }),
);

const DAV_METHODS = ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'PROPFIND', 'PROPPATCH', 'REPORT', 'MKCALENDAR', 'MKCOL', 'MOVE'];
const OTHER_METHODS = ['COPY', 'LOCK', 'UNLOCK', 'POST', 'PATCH', 'ACL', 'TRACE', 'SEARCH', 'BIND', 'UNBIND', 'REBIND', 'MKACTIVITY', 'CHECKOUT', 'MERGE', 'PURGE', 'LINK', 'QUERY'];

/** A generated request, kept as its parts (so that fast-check prints and shrinks them) and built when sent. */
interface Recipe {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: { template: Template; mutations: Mutation[] } | { random: Uint8Array } | null;
}

function build(recipe: Recipe): FuzzRequest {
  const headers = Object.fromEntries(Object.entries(recipe.headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
  let body: Buffer | null = null;
  if (recipe.body && 'template' in recipe.body) body = mutate(recipe.body.template.text, recipe.body.mutations);
  else if (recipe.body) body = Buffer.from(recipe.body.random);
  return { method: recipe.method, path: recipe.path, headers, body };
}

function recipes(): fc.Arbitrary<Recipe> {
  const pathChar = fc.constantFrom(...PATH_CHARS);
  const segment = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SEGMENTS) }, { weight: 1, arbitrary: fc.string({ unit: pathChar, maxLength: 24 }) });
  const pathArb = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...VALID_PATHS) },
    { weight: 4, arbitrary: fc.array(segment, { maxLength: 6 }).map((segments) => `/dav/${segments.join('/')}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...VALID_PATHS), segment).map(([base, extra]) => `${base}${extra}`) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_PATHS) },
  );
  const headerChar = fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\t\u00e9\u00ff');
  const junk = fc.string({ unit: headerChar, maxLength: 40 });
  const destination = fc.oneof(
    fc.constantFrom(...VALID_PATHS).map((target) => `${server.origin}${target}`),
    fc.constantFrom(...VALID_PATHS),
    fc.constantFrom(`${HOME}/work/moved.ics`, `${HOME}/open/moved.ics`, '/dav/calendars/stranger/hidden/moved.ics', `${BOOK}/moved.vcf`, 'http://elsewhere.example/dav/calendars/fuzzer/work/x.ics'),
    pathArb,
    junk,
  );
  const authorization = fc.oneof(
    { weight: 14, arbitrary: fc.constant(basic(user.username, user.password)) },
    { weight: 1, arbitrary: fc.constant(basic(stranger.username, stranger.password)) },
    { weight: 1, arbitrary: fc.constant(`Bearer ${jwt}`) },
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'Basic',
        'Basic ',
        'Basic !!!',
        `Basic ${Buffer.from(':').toString('base64')}`,
        `Basic ${Buffer.from('fuzzer').toString('base64')}`,
        basic(user.username, 'wrong-password'),
        basic('nobody-at-all', 'x'),
        basic('fuzzer@example.test', user.password),
        basic('\u00fc\u00f1\u00ee', '\u00e7\u00f8d\u00e9'),
        `basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
        `Basic ${'A'.repeat(5000)}`,
        'Bearer',
        'Bearer abc.def.ghi',
        'Digest username="fuzzer", realm="x"',
      ),
    },
    { weight: 1, arbitrary: junk },
  );
  /** The value in `percent` of the requests, left out otherwise. */
  const sometimes = <T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> =>
    fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary });
  const headersFor = (method: string) =>
    fc.record({
      Depth: sometimes(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('0', '1') },
          { weight: 1, arbitrary: fc.constant('infinity') },
          { weight: 1, arbitrary: fc.constantFrom('2', '-1', '', ' 1 ', '1, 0', 'Infinity') },
        ),
        method === 'PROPFIND' || method === 'REPORT' ? 85 : 40,
      ),
      'If-Match': sometimes(fc.constantFrom(...etags), 10),
      'If-None-Match': sometimes(fc.constantFrom(...etags), 10),
      'Content-Type': sometimes(
        fc.constantFrom(
          'application/xml; charset=utf-8', 'text/xml', 'text/calendar', 'text/calendar; charset=utf-8', 'text/vcard', 'text/vcard; charset=utf-8',
          'text/x-vcard', 'text/directory', 'text/plain', 'application/json', 'multipart/form-data; boundary=x', '', 'application/xml; charset=latin1',
          'text/calendar; charset=iso-8859-1', 'garbage',
        ),
        30,
      ),
      Destination: sometimes(destination, method === 'MOVE' || method === 'COPY' ? 85 : 5),
      Overwrite: sometimes(fc.constantFrom('T', 'F', 't', 'f', 'X', ''), 15),
      Accept: sometimes(fc.constantFrom('text/vcard; version=4.0', 'text/vcard; version=3.0', 'text/vcard;version="4.0"', '*/*', 'application/json', ''), 10),
      'Accept-Encoding': sometimes(fc.constantFrom('gzip', 'identity', 'br', 'gzip;q=0', '*'), 10),
      Prefer: sometimes(fc.constantFrom('return=minimal', 'return=representation', 'depth-noroot', 'junk'), 10),
      Origin: sometimes(fc.constantFrom('https://elsewhere.example', 'null', 'http://127.0.0.1'), 10),
      'Access-Control-Request-Method': sometimes(fc.constantFrom('PROPFIND', 'PUT', 'GET'), 5),
      'If-Modified-Since': sometimes(fc.constantFrom('Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'yesterday'), 5),
      'X-Junk': sometimes(junk, 5),
    });
  const bodyFor = (method: string): fc.Arbitrary<Recipe['body']> => {
    const own = method === 'PUT' ? [...templates('ics', ICS_BODIES), ...templates('vcf', VCF_BODIES)] : (XML_TEMPLATES as Record<string, Template[]>)[method] ?? [];
    // Half sent as written, so that the valid requests get far enough to meet the data.
    const mutations = fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 3, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });
    const mutated = (list: Template[]) => fc.record({ template: fc.constantFrom(...list), mutations });
    return fc.oneof(
      ...(own.length > 0 ? [{ weight: 10, arbitrary: mutated(own) }] : []),
      { weight: own.length > 0 ? 1 : 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: mutated(ALL_TEMPLATES) },
      { weight: 1, arbitrary: fc.record({ random: fc.uint8Array({ maxLength: 300 }) }) },
    );
  };
  const methodArb = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...DAV_METHODS) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z]{1,12}$/).filter((method) => method.toUpperCase() !== 'CONNECT') },
  );
  return methodArb.chain((method) =>
    fc.record({
      method: fc.constant(method),
      path: pathArb,
      headers: fc.tuple(headersFor(method.toUpperCase()), authorization).map(([headers, auth]): Record<string, string | undefined> => ({ ...headers, Authorization: auth })),
      body: bodyFor(method.toUpperCase()),
    }).map((recipe) => {
      // A PUT mostly says what it sends: otherwise nearly every one would stop at the media type check.
      if (recipe.method.toUpperCase() === 'PUT' && recipe.body && 'template' in recipe.body && recipe.headers['Content-Type'] === undefined) {
        recipe.headers['Content-Type'] = recipe.body.template.kind === 'vcf' ? 'text/vcard' : recipe.body.template.kind === 'ics' ? 'text/calendar' : 'application/xml';
      }
      return recipe;
    }),
  );
}

// --- The server and its data -------------------------------------------------------------------------------------

async function normal(method: string, target: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  const reply = await send({
    method,
    path: target,
    headers: { Authorization: basic(user.username, user.password), ...headers },
    body: body === undefined ? null : Buffer.from(body, 'utf8'),
  });
  if (!reply) throw new Error(`${method} ${target} could not be sent`);
  return reply;
}

/** The user's data, as a client would create it; put back when a generated request removed it. */
async function seed(): Promise<void> {
  const put = async (target: string, text: string, contentType: string) => {
    const reply = await normal('PUT', target, text, { 'Content-Type': contentType });
    // 409: a generated MOVE took the object (and its UID) to another name, where it still is.
    if (reply.status !== 201 && reply.status !== 204 && reply.status !== 409) throw new Error(`seeding ${target} failed: ${reply.status} ${reply.body.toString('utf8')}`);
  };
  if ((await normal('PROPFIND', `${HOME}/work/`, propfindBody('d:getetag'), { Depth: '0' })).status === 404) {
    await normal('MKCALENDAR', `${HOME}/work/`);
  }
  const work = (await normal('PROPFIND', `${HOME}/work/`, propfindBody('d:getetag'), { Depth: '1' })).body.toString('utf8');
  const events: Array<[string, string]> = [['plain.ics', ICS_BODIES[0]], ['weekly.ics', ICS_BODIES[1]], ['allday.ics', ICS_BODIES[2]], ['berlin.ics', ICS_BODIES[3]], ['todo.ics', ICS_BODIES[4]]];
  for (const [name, text] of events) {
    if (!work.includes(`/work/${name}<`)) await put(`${HOME}/work/${name}`, text, 'text/calendar');
  }
  if (!(await server.collections.findCalendarBySlug('open'))) {
    const open = await server.collections.createCalendar({ owner: user.documentId, name: 'Open', slug: 'open', visibility: 'public' });
    await server.collections.createEvent(open.documentId, { uid: 'open-day', resourceName: 'open.ics', summary: 'Open day', start: '2026-06-01T09:00:00.000Z', end: '2026-06-01T17:00:00.000Z' });
  }
  if ((await normal('PROPFIND', `${BOOK}/`, propfindBody('d:getetag'), { Depth: '0' })).status === 404) {
    await normal('MKCOL', `${BOOK}/`, MK_BODIES[1]);
  }
  const book = (await normal('PROPFIND', `${BOOK}/`, propfindBody('d:getetag'), { Depth: '1' })).body.toString('utf8');
  for (const [name, text] of [['ann.vcf', VCF_BODIES[0]], ['bob.vcf', VCF_BODIES[1]]] as const) {
    if (!book.includes(`/people/${name}<`)) await put(`${BOOK}/${name}`, text, 'text/vcard');
  }
}

beforeAll(async () => {
  server = await startTestServer({
    // The generated sign-ins include wrong ones: they must not lock the user out halfway through.
    pluginConfig: { loginThrottle: { maxFailuresPerAccount: 100000, maxFailuresPerAddress: 1000000, windowSeconds: 60 } },
  });
  user = await createUser(server, { username: 'fuzzer' });
  stranger = await createUser(server, { username: 'stranger' });
  const hidden = await server.collections.createCalendar({ owner: stranger.documentId, name: 'Hidden', slug: 'hidden' });
  await server.collections.createEvent(hidden.documentId, { uid: 'secret', resourceName: 'secret.ics', summary: 'Secret', start: '2026-05-01T09:00:00.000Z', end: '2026-05-01T10:00:00.000Z' });
  const login = await fetch(`${server.origin}/api/auth/local`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: user.username, password: user.password }),
  });
  jwt = ((await login.json()) as { jwt: string }).jwt;
  await seed();
});

afterAll(async () => {
  agent.destroy();
  await server?.stop();
});

test('without a cors setting, a browser preflight gets no grant and no answer carries CORS headers', async () => {
  for (const target of ['/dav/', `${HOME}/work/`, '/dav/feeds/open.ics', '/.well-known/caldav']) {
    const preflight = await send({
      method: 'OPTIONS',
      path: target,
      headers: { Origin: 'https://app.example.test', 'Access-Control-Request-Method': 'PROPFIND', 'Access-Control-Request-Headers': 'authorization, depth' },
      body: null,
    });
    expect(preflight).not.toBeNull();
    expect(Object.keys(preflight!.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  }
  const reply = await normal('GET', `${HOME}/work/plain.ics`, undefined, { Origin: 'https://app.example.test' });
  expect(reply.status).toBe(200);
  expect(Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
});

test('an expand-property naming a property by something that is no XML name is refused, not echoed as broken XML', async () => {
  // Found by this test: the name came back as an element name, and the answer was not XML.
  for (const name of ['urn:ietf:params:xml:ns:caldav', 'a b', '1st', 'x"y', '']) {
    const reply = await normal(
      'REPORT',
      `${HOME}/work/`,
      `<d:expand-property xmlns:d="DAV:"><d:property name="owner"><d:property name=${JSON.stringify(name).replace(/\\"/g, '&quot;')}/></d:property></d:expand-property>`,
      { Depth: '0' },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.toString('utf8')).toMatch(/name/);
  }
  const valid = await normal('REPORT', `${HOME}/work/`, '<d:expand-property xmlns:d="DAV:"><d:property name="owner"><d:property name="displayname"/></d:property></d:expand-property>', { Depth: '0' });
  expect(valid.status).toBe(207);
  expect(wellFormedXml(valid.body.toString('utf8'))).toBeNull();
});

test(
  'generated requests are all answered, without a 5xx, a leak or broken XML, and the server keeps working',
  async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    const reasons = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(recipes(), async (recipe) => {
        const request = build(recipe);
        let reply: Reply | null;
        try {
          reply = await send(request);
        } catch (error) {
          throw new Error(`no answer to ${replayable(request)}: ${(error as Error).message}`);
        }
        if (!reply) return;
        sent += 1;
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 400) {
          const reason = `${reply.status} ${request.method} ${reply.body.toString('utf8').replace(/<[^>]*>/g, ' ').replace(/\d+/g, 'N').replace(/\s+/g, ' ').trim().slice(0, 60)}`;
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
        try {
          checkReply(request, reply);
        } catch (error) {
          throw new Error(`${(error as Error).message}\nrequest: ${replayable(request)}`);
        }
        if (['DELETE', 'MOVE'].includes(request.method.toUpperCase()) && reply.status < 300) await seed();
      }),
      {
        numRuns: RUNS,
        ...(SEED === undefined ? {} : { seed: SEED }),
        plugins: [fc.interruptAfterTimeLimit(SECONDS * 1000)],
      },
    );
    if (process.env.FUZZ_VERBOSE) {
      process.stdout.write(`fuzz: ${sent} requests answered; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`);
      const common = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 25);
      process.stdout.write(`fuzz: most common refusals:\n${common.map(([reason, count]) => `  ${count} ${reason}`).join('\n')}\n`);
    }
    expect(sent).toBeGreaterThan(Math.min(RUNS, 100) / 2);

    // The server still does its ordinary work.
    await seed();
    const listing = await normal('PROPFIND', `${HOME}/work/`, propfindBody('d:getetag', 'd:displayname'), { Depth: '1' });
    expect(listing.status).toBe(207);
    expect(wellFormedXml(listing.body.toString('utf8'))).toBeNull();
    expect((await normal('PUT', `${HOME}/work/after.ics`, vevent('after-fuzz', { summary: 'After' }), { 'Content-Type': 'text/calendar' })).status).toBe(201);
    const after = await normal('GET', `${HOME}/work/after.ics`);
    expect(after.status).toBe(200);
    expect(after.body.toString('utf8')).toContain('SUMMARY:After');
  },
  SECONDS * 1000 + 90_000,
);

/** A request as text that can be sent again (the body as base64 when it is not valid UTF-8). */
function replayable(request: FuzzRequest): string {
  const body = request.body === null ? '' : request.body.toString('utf8');
  const exact = request.body !== null && Buffer.from(body, 'utf8').equals(request.body);
  return JSON.stringify({
    method: request.method,
    path: request.path,
    headers: request.headers,
    ...(request.body === null ? {} : exact ? { body: body.slice(0, 4000) } : { bodyBase64: request.body.toString('base64').slice(0, 6000) }),
  });
}
