// @ts-check
'use strict';

/**
 * The benchmark's data, generated deterministically from (index, reference day) so that two servers get the same
 * objects, and so that the expected answer of a time-range query can be computed here without a recurrence engine.
 *
 * Every timed event starts between 08:00 and 17:30 local time and lasts one hour, so in UTC (Europe/Berlin is at
 * most 2 hours ahead) it stays on its local date: which UTC days an event touches is just its list of dates.
 */

const DAY_MS = 86400000;
const WEEKLY_COUNT = 10;

const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** @param {Date} d */
const ymd = (d) => d.toISOString().slice(0, 10).replace(/-/g, '');
/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');

/**
 * @typedef {{ name: string, uid: string, kind: 'single' | 'allday' | 'weekly', tz: 'UTC' | 'Europe/Berlin',
 *   dates: Date[], ics: (summary?: string) => string }} SeededEvent
 */

/**
 * Event number `index`: 10% weekly (10 occurrences, one EXDATE or one moved override), 5% all-day, a third of the
 * rest in Europe/Berlin, start days spread over the two years around `today` (a UTC midnight).
 * @param {number} index
 * @param {Date} today
 * @param {string} [prefix] distinguishes the events created during the measurements
 * @returns {SeededEvent}
 */
function makeEvent(index, today, prefix = 'ev') {
  const name = `${prefix}-${index}.ics`;
  const uid = `${prefix}-${index}@bench.example`;
  // A multiplicative walk over 730 days: neighbours land far apart, every day gets about the same number.
  const dayOffset = ((index * 7919) % 730) - 365;
  const startDay = new Date(today.getTime() + dayOffset * DAY_MS);
  const kind = index % 10 === 0 ? 'weekly' : index % 20 === 5 ? 'allday' : 'single';
  const tz = kind !== 'allday' && index % 3 === 1 ? 'Europe/Berlin' : 'UTC';
  const hour = 8 + (index % 10);
  const minute = index % 2 ? 30 : 0;
  /** @param {Date} day @param {number} h */
  const stamp = (day, h) => `${ymd(day)}T${pad(h)}${pad(minute)}00${tz === 'UTC' ? 'Z' : ''}`;
  const tzParam = tz === 'UTC' ? '' : `;TZID=${tz}`;

  /** @type {Date[]} */
  let dates = [startDay];
  const extra = [];
  /** @type {string[]} */
  let overrides = [];
  if (kind === 'weekly') {
    dates = Array.from({ length: WEEKLY_COUNT }, (_, k) => new Date(startDay.getTime() + 7 * k * DAY_MS));
    extra.push(`RRULE:FREQ=WEEKLY;COUNT=${WEEKLY_COUNT}`);
    if (index % 20 === 0) {
      // Skip the third week.
      extra.push(`EXDATE${tzParam}:${stamp(dates[2], hour)}`);
      dates = dates.filter((_, k) => k !== 2);
    } else {
      // The fourth week moves one hour later, the same day.
      overrides = [
        'BEGIN:VEVENT',
        `UID:${uid}`,
        'DTSTAMP:20250101T000000Z',
        `RECURRENCE-ID${tzParam}:${stamp(dates[3], hour)}`,
        `DTSTART${tzParam}:${stamp(dates[3], hour + 1)}`,
        `DTEND${tzParam}:${stamp(dates[3], hour + 2)}`,
        `SUMMARY:Weekly ${index} (moved)`,
        'END:VEVENT',
      ];
    }
  }

  /** @param {string} [summary] */
  const ics = (summary) => {
    const when =
      kind === 'allday'
        ? [`DTSTART;VALUE=DATE:${ymd(startDay)}`, `DTEND;VALUE=DATE:${ymd(new Date(startDay.getTime() + DAY_MS))}`]
        : [`DTSTART${tzParam}:${stamp(startDay, hour)}`, `DTEND${tzParam}:${stamp(startDay, hour + 1)}`];
    const lines = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//strapi-plugin-caldav//bench//EN',
      ...(tz === 'UTC' ? [] : BERLIN_VTIMEZONE),
      'BEGIN:VEVENT',
      `UID:${uid}`,
      'DTSTAMP:20250101T000000Z',
      ...when,
      ...extra,
      `SUMMARY:${summary ?? `${kind === 'weekly' ? 'Weekly' : kind === 'allday' ? 'All day' : 'Meeting'} ${index}`}`,
      `LOCATION:Room ${index % 50}`,
      `DESCRIPTION:Benchmark event ${index}\\, generated.`,
      'END:VEVENT',
      ...overrides,
      'END:VCALENDAR',
      '',
    ];
    return lines.join('\r\n');
  };
  return { name, uid, kind, tz, dates, ics };
}

/**
 * Names of the events that have an occurrence in [from, to) (UTC midnights).
 * @param {SeededEvent[]} events @param {Date} from @param {Date} to
 */
function expectedInWindow(events, from, to) {
  return new Set(events.filter((e) => e.dates.some((d) => d >= from && d < to)).map((e) => e.name));
}

const SURNAMES = ['Smith', 'Müller', 'Rossi', 'Garcia', 'Dubois', 'Nowak', 'Jensen', 'Silva', 'Kowalski', 'Tanaka'];
const GIVEN = ['Anna', 'Ben', 'Carla', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Karin'];

/** @param {number} index */
function makeContact(index) {
  const family = SURNAMES[index % SURNAMES.length];
  const given = GIVEN[index % GIVEN.length];
  const vcf = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `UID:contact-${index}@bench.example`,
    `FN:${given} ${family} ${index}`,
    `N:${family};${given};;;`,
    `EMAIL;TYPE=INTERNET:${given.toLowerCase()}.${index}@example.test`,
    `TEL;TYPE=CELL:+49 170 ${String(1000000 + index)}`,
    `ORG:Team ${index % 20}`,
    'END:VCARD',
    '',
  ].join('\r\n');
  return { name: `contact-${index}.vcf`, family, vcf };
}

module.exports = { makeEvent, expectedInWindow, makeContact, DAY_MS };
