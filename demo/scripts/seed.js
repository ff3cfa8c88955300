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
}

module.exports = { seed, zoned };
