'use strict';

/**
 * Idempotent sample data for the demo site: runs at every start and creates only what is missing.
 */

const DAY = 24 * 60 * 60 * 1000;

/** UTC instant of a wall-clock time in an IANA zone (two passes settle the offset around DST changes). */
function zoned(date, time, timeZone) {
  const [year, month, day] = date.split('-').map(Number);
  const [hour, minute] = time.split(':').map(Number);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const offsetAt = (instant) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
    return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute) - instant;
  };
  let instant = wall - offsetAt(wall);
  instant = wall - offsetAt(instant);
  return new Date(instant).toISOString();
}

const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);
const plusMinutes = (iso, minutes) => new Date(Date.parse(iso) + minutes * 60000).toISOString();

/** Monday of the current week, as YYYY-MM-DD: the demo's events stay around "now". */
function mondayOfThisWeek() {
  const now = new Date();
  const weekday = (now.getUTCDay() + 6) % 7;
  return isoDate(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - weekday * DAY);
}

function workEvents() {
  const tz = 'Europe/Berlin';
  const monday = mondayOfThisWeek();
  const day = (offset) => isoDate(Date.parse(monday) + offset * DAY);
  const timed = (offset, time, minutes, fields, zone = tz) => {
    const start = zoned(day(offset), time, zone);
    return { start, end: plusMinutes(start, minutes), timezone: zone, eventStatus: 'confirmed', ...fields };
  };
  const standupStart = zoned(day(0), '09:30', tz);
  return [
    {
      ...timed(0, '09:30', 30, { summary: 'Team stand-up', location: 'Room 2.14', categories: ['Team'] }),
      uid: 'demo-weekly-standup@caldav.demo',
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=26',
      // The stand-up two weeks from now is skipped (public holiday).
      exdates: [plusMinutes(standupStart, 14 * 24 * 60)],
      description: 'Every Monday: what we did, what we will do, what blocks us.',
    },
    {
      summary: 'Company offsite',
      uid: 'demo-offsite@caldav.demo',
      allDay: true,
      start: `${day(4)}T00:00:00.000Z`,
      end: `${day(5)}T00:00:00.000Z`,
      location: 'Lakeside Lodge',
      categories: ['Company'],
      eventStatus: 'confirmed',
    },
    timed(1, '16:00', 45, { summary: 'Call with the New York office', uid: 'demo-ny-call@caldav.demo', location: 'Video call' }, 'America/New_York'),
    timed(1, '11:00', 60, { summary: 'Design review', location: 'Room 3.02', categories: ['Design'] }),
    timed(2, '12:30', 60, { summary: 'Lunch with Sam', location: 'Café Central' }),
    timed(2, '14:00', 90, { summary: 'Quarterly planning', description: 'Goals and staffing for next quarter.', categories: ['Planning'] }),
    timed(3, '10:00', 30, { summary: '1:1 with Alex' }),
    timed(3, '15:00', 60, { summary: 'Retrospective', eventStatus: 'tentative' }),
    timed(7, '08:15', 45, { summary: 'Dentist', location: 'Dr. Weber, Hauptstraße 5' }),
    timed(8, '17:00', 60, { summary: 'Release 2.0 go/no-go', url: 'https://example.com/releases/2.0', categories: ['Release'] }),
    { summary: 'Code freeze', allDay: true, start: `${day(9)}T00:00:00.000Z`, end: `${day(10)}T00:00:00.000Z`, categories: ['Release'] },
    timed(10, '13:00', 120, { summary: 'Conference talk rehearsal', location: 'Auditorium', eventStatus: 'tentative' }),
  ];
}

function publicEvents() {
  const monday = mondayOfThisWeek();
  const day = (offset) => isoDate(Date.parse(monday) + offset * DAY);
  const tz = 'Europe/Berlin';
  return [
    { summary: 'Open house', start: zoned(day(5), '10:00', tz), end: zoned(day(5), '16:00', tz), timezone: tz, location: 'Main building', eventStatus: 'confirmed' },
    { summary: 'Community meetup', start: zoned(day(9), '18:30', tz), end: zoned(day(9), '21:00', tz), timezone: tz, location: 'Hall B', categories: ['Community'], eventStatus: 'confirmed' },
    { summary: 'Summer festival', allDay: true, start: `${day(20)}T00:00:00.000Z`, end: `${day(22)}T00:00:00.000Z`, location: 'City park', eventStatus: 'confirmed' },
  ];
}

const contacts = [
  {
    fullName: 'Ada Lovelace',
    name: { given: 'Ada', family: 'Lovelace' },
    emails: [{ type: 'work', value: 'ada@example.com' }],
    phones: [{ type: 'cell', value: '+44 20 7946 0001' }],
    organization: 'Analytical Engines Ltd',
    title: 'Mathematician',
    birthday: '1815-12-10',
  },
  {
    fullName: 'Grace Hopper',
    name: { given: 'Grace', family: 'Hopper', prefix: 'Rear Admiral' },
    emails: [{ type: 'work', value: 'grace@example.com' }, { type: 'home', value: 'grace.hopper@example.org' }],
    addresses: [{ type: 'work', street: '1 Navy Way', locality: 'Arlington', region: 'VA', postalCode: '22202', country: 'USA' }],
    organization: 'US Navy',
  },
  {
    fullName: 'Alan Turing',
    name: { given: 'Alan', family: 'Turing' },
    phones: [{ type: 'work', value: '+44 161 496 0002' }],
    note: 'Prefers long walks to long meetings.',
    url: 'https://example.com/turing',
  },
  {
    fullName: 'Katherine Johnson',
    name: { given: 'Katherine', family: 'Johnson' },
    emails: [{ type: 'work', value: 'katherine@example.com' }],
    title: 'Research mathematician',
  },
];

// ---------------------------------------------------------------------------------------------------------------
// The conference: the site's own collection types (src/api), which the plugin shows as the calendar "Talks" and
// the address book "Speakers" (config/plugins.ts).

const conferenceRooms = ['Main hall', 'Room A', 'Workshop lab'];

const conferenceSpeakers = [
  { name: 'Mira Okafor', email: 'mira.okafor@example.com', phone: '+49 30 5550 1001', company: 'Open Calendar Foundation', jobTitle: 'Director' },
  { name: 'Jonas Weber', email: 'jonas.weber@example.com', phone: '+49 89 5550 1002', company: 'Syncwerk GmbH', jobTitle: 'Staff engineer' },
  { name: 'Priya Raman', email: 'priya.raman@example.com', company: 'Timezone Labs', jobTitle: 'Developer advocate' },
  { name: 'Lucía Fernández', email: 'lucia.fernandez@example.com', phone: '+34 91 555 0104', company: 'Contactos SL', jobTitle: 'Product manager' },
];

/** A blocks value (the blocks editor's JSON) of plain paragraphs. */
const paragraphs = (...texts) => texts.map((text) => ({ type: 'paragraph', children: [{ type: 'text', text }] }));

/** The sessions, from next week on; `published: false` stays a draft, which the calendars leave out. */
function conferenceSessions() {
  const tz = 'Europe/Berlin';
  const monday = mondayOfThisWeek();
  const at = (offset, time, minutes) => {
    const startsAt = zoned(isoDate(Date.parse(monday) + offset * DAY), time, tz);
    return { startsAt, endsAt: plusMinutes(startsAt, minutes) };
  };
  return [
    {
      title: 'Opening keynote: calendars for everyone',
      slug: 'opening-keynote',
      ...at(7, '09:00', 60),
      track: 'Keynote',
      room: 'Main hall',
      speakers: ['Mira Okafor'],
      abstract: paragraphs('Why open calendar standards still matter, and what a content site gains by speaking them.'),
    },
    {
      title: 'CalDAV in practice: what clients really send',
      slug: 'caldav-in-practice',
      ...at(7, '11:00', 45),
      track: 'Talk',
      room: 'Room A',
      speakers: ['Jonas Weber'],
      abstract: paragraphs(
        'A tour of the requests Apple Calendar, Thunderbird and DAVx5 make, and the answers that keep them happy.',
        'Bring a laptop if you want to follow along with the traffic captures.',
      ),
    },
    {
      title: 'Workshop: a booking site on Strapi',
      slug: 'booking-site-workshop',
      ...at(9, '13:00', 180),
      track: 'Workshop',
      room: 'Workshop lab',
      speakers: ['Jonas Weber', 'Lucía Fernández'],
      abstract: paragraphs('Model rooms, slots and bookings in Strapi and publish them as calendars people subscribe to.'),
    },
    {
      title: 'Time zones without tears',
      slug: 'time-zones-without-tears',
      ...at(14, '10:00', 45),
      track: 'Talk',
      room: 'Room A',
      speakers: ['Priya Raman'],
      abstract: paragraphs('Floating times, DST gaps and recurring events: the bugs everyone ships once.'),
    },
    {
      title: 'Address books that stay in sync',
      slug: 'address-books-in-sync',
      ...at(16, '15:30', 45),
      track: 'Talk',
      room: 'Main hall',
      speakers: ['Lucía Fernández'],
      abstract: paragraphs('vCard versions, photos and groups across CardDAV clients.'),
    },
    {
      title: 'Closing keynote: the next ten years of open standards',
      slug: 'closing-keynote',
      ...at(21, '16:00', 60),
      track: 'Keynote',
      room: 'Main hall',
      speakers: ['Mira Okafor', 'Priya Raman'],
      abstract: paragraphs('A look ahead, and an open floor for questions.'),
    },
    {
      title: 'Lightning talks (line-up to be announced)',
      slug: 'lightning-talks',
      ...at(22, '17:00', 60),
      track: 'Talk',
      room: 'Room A',
      speakers: [],
      published: false,
    },
  ];
}

/** Makes the entries of a collection type while it has none: what an editor renames or deletes stays so. */
async function ensureEntries(strapi, uid, entries) {
  if ((await strapi.db.query(uid).count()) > 0) return;
  for (const { status, ...data } of entries) await strapi.documents(uid).create({ data, ...(status ? { status } : {}) });
}

/** documentIds by name (`field`) of the entries of a collection type. */
async function idsByName(strapi, uid, field) {
  const rows = await strapi.db.query(uid).findMany({ select: ['documentId', field] });
  return new Map(rows.map((row) => [row[field], row.documentId]));
}

/** The rooms, the speakers and the sessions, which name their room and speakers. */
async function seedConference(strapi) {
  await ensureEntries(strapi, 'api::room.room', conferenceRooms.map((name) => ({ name })));
  await ensureEntries(strapi, 'api::speaker.speaker', conferenceSpeakers);
  const roomIds = await idsByName(strapi, 'api::room.room', 'name');
  const speakerIds = await idsByName(strapi, 'api::speaker.speaker', 'name');
  await ensureEntries(
    strapi,
    'api::session.session',
    conferenceSessions().map(({ room, speakers, published = true, ...session }) => ({
      ...session,
      room: roomIds.get(room) ?? null,
      speakers: speakers.map((name) => speakerIds.get(name)).filter(Boolean),
      status: published ? 'published' : undefined,
    })),
  );
}

async function ensureUser(strapi, { username, password }) {
  const existing = await strapi.db.query('plugin::users-permissions.user').findOne({ where: { username } });
  if (existing) return { ...existing, created: false };
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'authenticated' } });
  const user = await strapi.plugin('users-permissions').service('user').add({
    username,
    email: `${username}@example.com`,
    password,
    provider: 'local',
    confirmed: true,
    blocked: false,
    role: role && role.id,
  });
  return { ...user, created: true };
}

async function ensureAdmin(strapi, admin) {
  const users = strapi.service('admin::user');
  if (await users.exists()) return false;
  await users.createFirstAdmin({ email: admin.email, firstname: 'Demo', lastname: 'Admin', password: admin.password });
  return true;
}

async function ensureCalendar(collections, input, events) {
  let calendar = await collections.findCalendarBySlug(input.slug);
  if (calendar) return calendar;
  calendar = await collections.createCalendar(input);
  for (const event of events) await collections.createEvent(calendar.documentId, event);
  return calendar;
}

async function seed(strapi, { admin, users }) {
  const collections = strapi.plugin('caldav').service('collections');
  await ensureAdmin(strapi, admin);
  const people = [];
  for (const user of users) people.push(await ensureUser(strapi, user));
  const owner = people[0];

  const work = await ensureCalendar(
    collections,
    { owner: owner.documentId, name: 'Work', slug: 'work', color: '#2563EB', timezone: 'Europe/Berlin', components: ['VEVENT', 'VTODO'], sortOrder: 1 },
    workEvents(),
  );
  await ensureCalendar(
    collections,
    {
      owner: owner.documentId,
      name: 'Events',
      slug: 'events',
      description: 'Public events anyone can subscribe to.',
      color: '#16A34A',
      timezone: 'Europe/Berlin',
      visibility: 'public',
      components: ['VEVENT'],
      sortOrder: 2,
    },
    publicEvents(),
  );

  if (!(await collections.findAddressBookBySlug('contacts'))) {
    const book = await collections.createAddressBook({ owner: owner.documentId, name: 'Contacts', slug: 'contacts', description: 'People we work with.' });
    for (const contact of contacts) await collections.createContact(book.documentId, contact);
  }

  // The second user sees "Work" in their own home, read-only.
  const second = people[1];
  const shares = strapi.db.query('plugin::caldav.share');
  if (second && !(await shares.findOne({ where: { calendar: { documentId: work.documentId }, user: { id: second.id } } }))) {
    await collections.createShare({ calendar: work.documentId, user: second.documentId, access: 'read' });
  }

  await seedConference(strapi);
}

module.exports = { seed, zoned, conferenceSessions, conferenceSpeakers };
