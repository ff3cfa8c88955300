import ICAL from 'ical.js';

import { parseCalendarObject } from '../../server/src/ical';
import {
  checkSources,
  contactTextOf,
  eventTextOf,
  groupsOf,
  SourceConfigError,
  sourceFields,
  sourcePopulate,
  sourceUid,
  type ContentModel,
  type ModelLookup,
  type SourceEntry,
} from '../../server/src/sources/mapping';
import type { AddressBookSource, CalendarSource } from '../../server/src/sources/types';
import { parseVCard } from '../../server/src/vcard';

const models: Record<string, ContentModel> = {
  'api::session.session': {
    uid: 'api::session.session',
    kind: 'collectionType',
    info: { displayName: 'Session' },
    options: { draftAndPublish: true },
    pluginOptions: { i18n: { localized: true } },
    attributes: {
      title: { type: 'string' },
      slug: { type: 'uid', targetField: 'title' },
      startsAt: { type: 'datetime' },
      endsAt: { type: 'datetime' },
      day: { type: 'date' },
      endDay: { type: 'date' },
      startTime: { type: 'time' },
      endTime: { type: 'time' },
      durationMinutes: { type: 'integer' },
      allDay: { type: 'boolean' },
      room: { type: 'relation', relation: 'manyToOne', target: 'api::room.room' },
      tags: { type: 'relation', relation: 'manyToMany', target: 'api::tag.tag' },
      track: { type: 'enumeration', enum: ['main_stage', 'workshop', 'Hallway Track'] },
      abstract: { type: 'blocks' },
      notes: { type: 'richtext' },
      summaryText: { type: 'text' },
      cover: { type: 'media', multiple: false, allowedTypes: ['images'] },
      sponsor: { type: 'relation', relation: 'manyToOne', target: 'api::sponsor.sponsor' },
      secret: { type: 'string', private: true },
      createdBy: { type: 'relation', relation: 'oneToOne', target: 'admin::user', private: true },
      publishedAt: { type: 'datetime' },
      updatedAt: { type: 'datetime' },
    },
  },
  'api::room.room': {
    uid: 'api::room.room',
    kind: 'collectionType',
    attributes: {
      name: { type: 'string' },
      capacity: { type: 'integer' },
      building: { type: 'relation', relation: 'manyToOne', target: 'api::building.building' },
      code: { type: 'string', private: true },
    },
  },
  'api::building.building': {
    uid: 'api::building.building',
    kind: 'collectionType',
    attributes: { name: { type: 'string' } },
  },
  'api::tag.tag': { uid: 'api::tag.tag', kind: 'collectionType', attributes: { name: { type: 'string' } } },
  'api::speaker.speaker': {
    uid: 'api::speaker.speaker',
    kind: 'collectionType',
    options: { draftAndPublish: false },
    attributes: {
      name: { type: 'string' },
      slug: { type: 'uid' },
      email: { type: 'email' },
      phone: { type: 'string' },
      company: { type: 'string' },
      jobTitle: { type: 'string' },
      bio: { type: 'blocks' },
      photo: { type: 'media', multiple: false, allowedTypes: ['images', 'files'] },
      gallery: { type: 'media', multiple: true, allowedTypes: ['images'] },
      cv: { type: 'media', multiple: false, allowedTypes: ['files'] },
      org: { type: 'relation', relation: 'manyToOne', target: 'api::organization.organization' },
      talks: { type: 'relation', relation: 'manyToMany', target: 'api::session.session' },
    },
  },
  'api::organization.organization': {
    uid: 'api::organization.organization',
    kind: 'collectionType',
    attributes: { name: { type: 'string' } },
  },
  'api::homepage.homepage': {
    uid: 'api::homepage.homepage',
    kind: 'singleType',
    attributes: { title: { type: 'string' } },
  },
};

const getModel: ModelLookup = (uid) => models[uid];

const session = (overrides: Record<string, unknown> = {}): SourceEntry => ({
  documentId: 'qz8k1w2e3r4t5y6u7i8o9p0a',
  updatedAt: '2026-03-01T10:15:30.123Z',
  publishedAt: '2026-03-01T10:15:30.123Z',
  locale: 'en',
  title: 'Keeping calendars in sync',
  slug: 'keeping-calendars-in-sync',
  startsAt: '2026-03-10T09:00:00.000Z',
  endsAt: '2026-03-10T10:30:00.000Z',
  ...overrides,
});

const calendar = (extra: Record<string, unknown> = {}): unknown => ({
  kind: 'calendar',
  slug: 'talks',
  name: 'Talks',
  contentType: 'api::session.session',
  visibility: 'public',
  fields: { summary: 'title', start: 'startsAt', end: 'endsAt' },
  ...extra,
});

const addressBook = (extra: Record<string, unknown> = {}): unknown => ({
  kind: 'addressbook',
  slug: 'speakers',
  name: 'Speakers',
  contentType: 'api::speaker.speaker',
  visibility: 'public',
  fields: { fullName: 'name' },
  ...extra,
});

const checkedCalendar = (extra: Record<string, unknown> = {}): CalendarSource =>
  checkSources([calendar(extra)], getModel)[0] as CalendarSource;
const checkedAddressBook = (extra: Record<string, unknown> = {}): AddressBookSource =>
  checkSources([addressBook(extra)], getModel)[0] as AddressBookSource;

/** The message checkSources throws for a list of sources. */
function problemOf(sources: unknown): string {
  try {
    checkSources(sources, getModel);
  } catch (error) {
    expect(error).toBeInstanceOf(SourceConfigError);
    expect((error as Error).name).toBe('SourceConfigError');
    return (error as Error).message;
  }
  throw new Error('checkSources accepted the sources');
}

/** Unfolded content lines. */
const contentLines = (text: string): string[] =>
  text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((line) => line !== '');

/** The lines of a property of the VEVENT (not of a VTIMEZONE), name with or without parameters. */
const eventLines = (text: string, name: string): string[] => {
  const lines = contentLines(text);
  const begin = lines.indexOf('BEGIN:VEVENT');
  return lines.slice(begin).filter((line) => line.startsWith(`${name}:`) || line.startsWith(`${name};`));
};

function expectWellFormed(text: string): void {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const physical of text.split('\r\n')) expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(75);
}

/** The event's fields as the server reads a stored object (which validates it). */
function eventOf(text: string | null) {
  expect(text).not.toBeNull();
  expectWellFormed(text as string);
  return parseCalendarObject(text as string, { supportedComponents: ['VEVENT'] });
}

function veventOf(text: string): ICAL.Component {
  const event = new ICAL.Component(ICAL.parse(text) as unknown[]).getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT');
  return event;
}

/** The raw value of a property ical.js does not type (X-ALT-DESC), with its TEXT escaping undone. */
function untypedText(event: ICAL.Component, name: string): string {
  const raw = String(event.getFirstPropertyValue(name));
  return String(ICAL.design.icalendar.value.text.fromICAL?.(raw) ?? raw);
}

const SESSION_ATTRIBUTES =
  'title, slug, startsAt, endsAt, day, endDay, startTime, endTime, durationMinutes, allDay, room, tags, track, abstract, notes, summaryText, cover, sponsor, publishedAt, updatedAt';

describe('checkSources', () => {
  it('returns typed copies of valid sources, holding only what was given', () => {
    const given = [
      calendar({
        description: 'Every talk of the conference',
        owner: 'ada',
        sharedWithRoles: ['authenticated'],
        timezone: 'Europe/Berlin',
        color: '#1e90ff',
        groupBy: 'room.name',
        filter: {
          status: 'published',
          locale: 'en',
          where: { track: 'workshop', allDay: false, durationMinutes: 45, title: null },
        },
        fields: {
          summary: 'title',
          start: 'day',
          startTime: 'startTime',
          end: 'endDay',
          endTime: 'endTime',
          durationMinutes: 'durationMinutes',
          allDay: 'allDay',
          location: 'room.name',
          description: 'abstract',
          url: 'https://example.org/{locale}/talks/{slug}?id={documentId}',
          categories: 'tags.name',
        },
      }),
      addressBook({
        visibility: 'private',
        fields: {
          fullName: 'name',
          email: 'email',
          phone: 'phone',
          organization: 'org.name',
          title: 'jobTitle',
          note: 'bio',
          photo: 'photo',
          url: 'https://example.org/speakers/{slug}',
        },
      }),
    ];
    const sources = checkSources(given, getModel);
    expect(sources).toEqual(given);
    expect(sources[0]).not.toBe(given[0]);
  });

  it('takes a missing setting for no sources, and a key set to null for a key left out', () => {
    expect(checkSources(undefined, getModel)).toEqual([]);
    expect(checkSources(null, getModel)).toEqual([]);
    expect(checkSources([], getModel)).toEqual([]);
    const [source] = checkSources(
      [calendar({ owner: null, color: null, fields: { summary: 'title', start: 'startsAt', end: null } })],
      getModel,
    );
    expect(source).toEqual({
      kind: 'calendar',
      slug: 'talks',
      name: 'Talks',
      contentType: 'api::session.session',
      visibility: 'public',
      fields: { summary: 'title', start: 'startsAt' },
    });
  });

  it('accepts the date-and-time forms: an end time on the start day, a date end without a time', () => {
    expect(() =>
      checkSources(
        [
          calendar({
            timezone: 'America/New_York',
            fields: { summary: 'track', start: 'day', startTime: 'startTime', endTime: 'endTime' },
          }),
        ],
        getModel,
      ),
    ).not.toThrow();
    expect(() =>
      checkSources(
        [calendar({ fields: { summary: 'slug', start: 'day', end: 'endDay', allDay: 'allDay' } })],
        getModel,
      ),
    ).not.toThrow();
    expect(() =>
      checkSources([calendar({ groupBy: 'track' }), calendar({ slug: 'by-title', groupBy: 'title' })], getModel),
    ).not.toThrow();
  });

  const refusals: Array<[string, unknown, string]> = [
    [
      'a setting that is not a list',
      { talks: calendar() },
      'sources must be a list of calendar and address book sources, got an object',
    ],
    [
      'a source that is not an object',
      [calendar(), 'talks'],
      'sources[1]: must be an object with kind, slug, name, contentType, visibility and fields',
    ],
    [
      'an unknown key',
      [calendar({ colour: '#ff0000' })],
      'source "talks": colour is not a known key (known: kind, slug, name, description, contentType, visibility, owner, sharedWithRoles, filter, fields, timezone, color, groupBy)',
    ],
    [
      'a calendar key on an address book',
      [addressBook({ timezone: 'Europe/Berlin' })],
      'source "speakers": timezone is not a known key (known: kind, slug, name, description, contentType, visibility, owner, sharedWithRoles, filter, fields)',
    ],
    ['a missing name', [calendar({ name: undefined })], 'source "talks": name is required'],
    ['a missing content type', [calendar({ contentType: null })], 'source "talks": contentType is required'],
    ['missing fields', [calendar({ fields: undefined })], 'source "talks": fields is required'],
    ['a missing summary', [calendar({ fields: { start: 'startsAt' } })], 'source "talks": fields.summary is required'],
    ['a missing start', [calendar({ fields: { summary: 'title' } })], 'source "talks": fields.start is required'],
    [
      'a missing full name',
      [addressBook({ fields: { email: 'email' } })],
      'source "speakers": fields.fullName is required',
    ],
    [
      'an unknown kind',
      [calendar({ kind: 'todo' })],
      'source "talks": kind must be "calendar" or "addressbook", got "todo"',
    ],
    [
      'an unknown visibility',
      [calendar({ visibility: 'everyone' })],
      'source "talks": visibility must be "public" or "private", got "everyone"',
    ],
    [
      'an empty owner',
      [calendar({ owner: '' })],
      'source "talks": owner must be a username (a non-empty string), got ""',
    ],
    [
      'roles that are not a list',
      [calendar({ sharedWithRoles: 'authenticated' })],
      'source "talks": sharedWithRoles must be a list of role types such as ["authenticated"], got "authenticated"',
    ],
    [
      'a duplicate slug',
      [calendar(), addressBook({ slug: 'talks' })],
      'sources[1]: slug "talks" is already used by sources[0]; slugs must be unique',
    ],
    [
      'an upper-case slug',
      [calendar({ slug: 'Talks' })],
      'sources[0]: slug "Talks" is not URL-safe: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters',
    ],
    [
      'a slug of 101 characters',
      [calendar({ slug: 'a'.repeat(101) })],
      `sources[0]: slug "${'a'.repeat(101)}" is not URL-safe: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters`,
    ],
    [
      'a slug with a slash',
      [calendar({ slug: 'talks/2026' })],
      'sources[0]: slug "talks/2026" is not URL-safe: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters',
    ],
    [
      'a slug starting with a dash',
      [calendar({ slug: '-talks' })],
      'sources[0]: slug "-talks" is not URL-safe: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters',
    ],
    [
      'a content type the site does not have',
      [calendar({ contentType: 'api::talk.talk' })],
      'source "talks": contentType "api::talk.talk" is not a content type of this site',
    ],
    [
      'a single type',
      [calendar({ contentType: 'api::homepage.homepage', fields: { summary: 'title', start: 'title' } })],
      'source "talks": contentType "api::homepage.homepage" is a singleType; a collectionType is needed',
    ],
    [
      'an unknown field',
      [calendar({ fields: { summary: 'title', start: 'startsAt', colour: 'track' } })],
      'source "talks": fields.colour is not a known field (known: summary, start, startTime, end, endTime, durationMinutes, allDay, location, description, categories, url)',
    ],
    [
      'a field that is not an attribute',
      [calendar({ fields: { summary: 'title', start: 'beginsAt' } })],
      `source "talks": fields.start "beginsAt" is not an attribute of api::session.session (its attributes: ${SESSION_ATTRIBUTES})`,
    ],
    [
      'a string start',
      [calendar({ fields: { summary: 'title', start: 'title' } })],
      'source "talks": fields.start "title" is a string; a date or datetime attribute is needed',
    ],
    [
      'a relation end',
      [calendar({ fields: { summary: 'title', start: 'startsAt', end: 'room' } })],
      'source "talks": fields.end "room" is a manyToOne relation; a date or datetime attribute is needed',
    ],
    [
      'a date start time',
      [calendar({ timezone: 'Europe/Berlin', fields: { summary: 'title', start: 'day', startTime: 'endDay' } })],
      'source "talks": fields.startTime "endDay" is a date; a time attribute is needed',
    ],
    [
      'a start time with a datetime start',
      [
        calendar({
          timezone: 'Europe/Berlin',
          fields: { summary: 'title', start: 'startsAt', startTime: 'startTime' },
        }),
      ],
      'source "talks": fields.startTime is only read with a date start; fields.start "startsAt" is a datetime',
    ],
    [
      'a start time without a time zone',
      [calendar({ fields: { summary: 'title', start: 'day', startTime: 'startTime' } })],
      'source "talks": fields.startTime needs timezone, the IANA time zone its times are in (e.g. "Europe/Berlin")',
    ],
    [
      'an end time with a datetime end',
      [
        calendar({
          timezone: 'Europe/Berlin',
          fields: { summary: 'title', start: 'day', end: 'endsAt', endTime: 'endTime' },
        }),
      ],
      'source "talks": fields.endTime is only read with a date end; fields.end "endsAt" is a datetime',
    ],
    [
      'an end time with neither a date end nor a date start',
      [calendar({ timezone: 'Europe/Berlin', fields: { summary: 'title', start: 'startsAt', endTime: 'endTime' } })],
      'source "talks": fields.endTime needs a date end or a date start; fields.start "startsAt" is a datetime',
    ],
    [
      'a string duration',
      [calendar({ fields: { summary: 'title', start: 'startsAt', durationMinutes: 'title' } })],
      'source "talks": fields.durationMinutes "title" is a string; a number attribute (integer, biginteger, float or decimal) is needed',
    ],
    [
      'an integer all-day flag',
      [calendar({ fields: { summary: 'title', start: 'startsAt', allDay: 'durationMinutes' } })],
      'source "talks": fields.allDay "durationMinutes" is an integer; a boolean attribute is needed',
    ],
    [
      'an integer description',
      [calendar({ fields: { summary: 'title', start: 'startsAt', description: 'durationMinutes' } })],
      'source "talks": fields.description "durationMinutes" is an integer; a string, text, richtext or blocks attribute is needed',
    ],
    [
      'a datetime summary',
      [calendar({ fields: { summary: 'startsAt', start: 'startsAt' } })],
      'source "talks": fields.summary "startsAt" is a datetime; a string, text, uid, enumeration or email attribute is needed',
    ],
    [
      'a summary through a relation',
      [calendar({ fields: { summary: 'room.name', start: 'startsAt' } })],
      'source "talks": fields.summary "room.name" follows a relation; summary needs an attribute of api::session.session itself',
    ],
    [
      'a location that is a relation without its attribute',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'room' } })],
      'source "talks": fields.location "room" is a relation; name the attribute of api::room.room to use, e.g. "room.name"',
    ],
    [
      'a relation path two levels deep',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'room.building.name' } })],
      'source "talks": fields.location "room.building.name" goes through more than one relation; a field is an attribute ("title") or an attribute of one related entry ("room.name")',
    ],
    [
      'a relation path to a missing attribute',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'room.label' } })],
      'source "talks": fields.location "room.label": "label" is not an attribute of api::room.room (its attributes: name, capacity, building)',
    ],
    [
      'a relation path to a number',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'room.capacity' } })],
      'source "talks": fields.location "room.capacity": "capacity" of api::room.room is an integer; a string, text, uid, enumeration or email attribute is needed',
    ],
    [
      'a relation path to a private attribute',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'room.code' } })],
      'source "talks": fields.location "room.code": "code" is a private attribute of api::room.room, which is never published',
    ],
    [
      'a relation path through a string',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'title.name' } })],
      'source "talks": fields.location "title.name": "title" is a string, not a relation',
    ],
    [
      'a relation path through a missing attribute',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'venue.name' } })],
      `source "talks": fields.location "venue.name": "venue" is not an attribute of api::session.session (its attributes: ${SESSION_ATTRIBUTES})`,
    ],
    [
      'a relation to a type the site does not have',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'sponsor.name' } })],
      'source "talks": fields.location "sponsor.name": the relation "sponsor" points to api::sponsor.sponsor, which is not a content type of this site',
    ],
    [
      'a private attribute',
      [calendar({ fields: { summary: 'secret', start: 'startsAt' } })],
      'source "talks": fields.summary "secret" is a private attribute, which is never published',
    ],
    [
      'a private relation',
      [calendar({ fields: { summary: 'title', start: 'startsAt', location: 'createdBy.email' } })],
      'source "talks": fields.location "createdBy.email": "createdBy" is a private attribute, which is never published',
    ],
    [
      'blocks categories',
      [calendar({ fields: { summary: 'title', start: 'startsAt', categories: 'abstract' } })],
      'source "talks": fields.categories "abstract" is a blocks attribute; an enumeration or string attribute is needed',
    ],
    [
      'a field that is not a string',
      [calendar({ fields: { summary: 'title', start: 42 } })],
      'source "talks": fields.start must be an attribute name (a string), got 42',
    ],
    [
      'a relative URL pattern',
      [calendar({ fields: { summary: 'title', start: 'startsAt', url: '/talks/{slug}' } })],
      'source "talks": fields.url "/talks/{slug}" must be an absolute http:// or https:// URL, e.g. "https://example.org/talks/{slug}"',
    ],
    [
      'a URL placeholder that is not an attribute',
      [calendar({ fields: { summary: 'title', start: 'startsAt', url: 'https://example.org/talks/{slugg}' } })],
      `source "talks": fields.url placeholder {slugg} is not an attribute of api::session.session (its attributes: ${SESSION_ATTRIBUTES})`,
    ],
    [
      'a URL placeholder that is a relation',
      [calendar({ fields: { summary: 'title', start: 'startsAt', url: 'https://example.org/rooms/{room}' } })],
      'source "talks": fields.url placeholder {room} is a manyToOne relation; only a scalar attribute (text, number, date, boolean, enumeration, uid) can fill a URL',
    ],
    [
      'a URL placeholder through a relation',
      [calendar({ fields: { summary: 'title', start: 'startsAt', url: 'https://example.org/rooms/{room.name}' } })],
      'source "talks": fields.url placeholder {room.name} follows a relation; only attributes of api::session.session itself can fill a URL',
    ],
    [
      'a blocks URL placeholder',
      [calendar({ fields: { summary: 'title', start: 'startsAt', url: 'https://example.org/{abstract}' } })],
      'source "talks": fields.url placeholder {abstract} is a blocks attribute; only a scalar attribute (text, number, date, boolean, enumeration, uid) can fill a URL',
    ],
    [
      'a locale URL placeholder on a type that is not localized',
      [addressBook({ fields: { fullName: 'name', url: 'https://example.org/{locale}/speakers/{slug}' } })],
      'source "speakers": fields.url placeholder {locale} needs a localized content type; api::speaker.speaker is not localized',
    ],
    [
      'a URL pattern with an unclosed brace',
      [calendar({ fields: { summary: 'title', start: 'startsAt', url: 'https://example.org/talks/{slug' } })],
      'source "talks": fields.url "https://example.org/talks/{slug" has a "{" or "}" that does not enclose an attribute name',
    ],
    [
      'grouping by blocks',
      [calendar({ groupBy: 'abstract' })],
      'source "talks": groupBy "abstract" is a blocks attribute; an enumeration or string attribute (or one of a related entry, e.g. "room.name") is needed',
    ],
    [
      'grouping by a relation without its attribute',
      [calendar({ groupBy: 'room' })],
      'source "talks": groupBy "room" is a relation; name the attribute of api::room.room to use, e.g. "room.name"',
    ],
    [
      'grouping by a related number',
      [calendar({ groupBy: 'room.capacity' })],
      'source "talks": groupBy "room.capacity": "capacity" of api::room.room is an integer; an enumeration or string attribute (or one of a related entry, e.g. "room.name") is needed',
    ],
    [
      'grouping by a missing attribute',
      [calendar({ groupBy: 'stage' })],
      `source "talks": groupBy "stage" is not an attribute of api::session.session (its attributes: ${SESSION_ATTRIBUTES})`,
    ],
    [
      'an unknown filter key',
      [calendar({ filter: { published: true } })],
      'source "talks": filter.published is not a known key (known: status, locale, where)',
    ],
    [
      'a filter on a relation',
      [calendar({ filter: { where: { room: 'A' } } })],
      'source "talks": filter.where "room" is a manyToOne relation; only scalar attributes can be compared',
    ],
    [
      'a filter on a missing attribute',
      [calendar({ filter: { where: { public: true } } })],
      `source "talks": filter.where "public" is not an attribute of api::session.session (its attributes: ${SESSION_ATTRIBUTES})`,
    ],
    [
      'a filter value that is a list',
      [calendar({ filter: { where: { track: ['workshop'] } } })],
      'source "talks": filter.where.track must be a string, number, boolean or null, got ["workshop"]',
    ],
    [
      'a locale on a type that is not localized',
      [addressBook({ filter: { locale: 'fr' } })],
      'source "speakers": filter.locale "fr" needs a localized content type; api::speaker.speaker is not localized',
    ],
    [
      'a locale that is no locale code',
      [calendar({ filter: { locale: 'French' } })],
      'source "talks": filter.locale must be a locale code such as "en" or "fr-FR", got "French"',
    ],
    [
      'a status on a type without Draft & Publish',
      [addressBook({ filter: { status: 'published' } })],
      'source "speakers": filter.status "published" needs Draft & Publish, which api::speaker.speaker does not have',
    ],
    [
      'an unknown status',
      [calendar({ filter: { status: 'live' } })],
      'source "talks": filter.status must be "published" or "draft", got "live"',
    ],
    [
      'a time zone that is not an IANA name',
      [calendar({ timezone: 'Mars/Olympus_Mons' })],
      'source "talks": timezone "Mars/Olympus_Mons" is not an IANA time zone name such as "Europe/Berlin"',
    ],
    [
      'a UTC offset for a time zone',
      [calendar({ timezone: '+02:00' })],
      'source "talks": timezone "+02:00" is not an IANA time zone name such as "Europe/Berlin"',
    ],
    [
      'a color name',
      [calendar({ color: 'red' })],
      'source "talks": color "red" must be a color as #rrggbb, e.g. "#1e90ff"',
    ],
    [
      'a short color',
      [calendar({ color: '#f00' })],
      'source "talks": color "#f00" must be a color as #rrggbb, e.g. "#1e90ff"',
    ],
    [
      'an email from a relation',
      [addressBook({ fields: { fullName: 'name', email: 'talks' } })],
      'source "speakers": fields.email "talks" is a manyToMany relation; an email or string attribute is needed',
    ],
    [
      'a phone that is an email',
      [addressBook({ fields: { fullName: 'name', phone: 'email' } })],
      'source "speakers": fields.phone "email" is an email; a string attribute is needed',
    ],
    [
      'a photo from a multiple media',
      [addressBook({ fields: { fullName: 'name', photo: 'gallery' } })],
      'source "speakers": fields.photo "gallery" is a multiple media attribute; a single media attribute is needed',
    ],
    [
      'a photo from a media without images',
      [addressBook({ fields: { fullName: 'name', photo: 'cv' } })],
      'source "speakers": fields.photo "cv" accepts no images (its allowed types: files); an image media attribute is needed',
    ],
    [
      'a photo from a uid',
      [addressBook({ fields: { fullName: 'name', photo: 'slug' } })],
      'source "speakers": fields.photo "slug" is a uid; a single media attribute is needed',
    ],
    [
      'a note through a relation',
      [addressBook({ fields: { fullName: 'name', note: 'org.name' } })],
      'source "speakers": fields.note "org.name" follows a relation; note needs an attribute of api::speaker.speaker itself',
    ],
    [
      'several problems in several sources',
      [calendar({ color: 'blue' }), addressBook({ slug: 'Speakers', fields: { fullName: 'nom' } })],
      'source "talks": color "blue" must be a color as #rrggbb, e.g. "#1e90ff"; ' +
        'sources[1]: slug "Speakers" is not URL-safe: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100 characters; ' +
        'sources[1]: fields.fullName "nom" is not an attribute of api::speaker.speaker (its attributes: name, slug, email, phone, company, jobTitle, bio, photo, gallery, cv, org, talks)',
    ],
  ];

  it.each(refusals)('refuses %s', (_, sources, message) => {
    expect(problemOf(sources)).toBe(message);
  });
});

describe('eventTextOf: times', () => {
  it('writes datetimes as instants, in UTC without a time zone', () => {
    const text = eventTextOf(session(), checkedCalendar());
    const event = eventOf(text);
    expect(event.uid).toBe('qz8k1w2e3r4t5y6u7i8o9p0a-en@api-session-session');
    expect(event.fields).toMatchObject({
      summary: 'Keeping calendars in sync',
      start: '2026-03-10T09:00:00.000Z',
      end: '2026-03-10T10:30:00.000Z',
      allDay: false,
      timezone: null,
    });
    expect(eventLines(text as string, 'DTSTART')).toEqual(['DTSTART:20260310T090000Z']);
    expect(eventLines(text as string, 'DTEND')).toEqual(['DTEND:20260310T103000Z']);
    expect(text).not.toContain('BEGIN:VTIMEZONE');
  });

  it('writes datetimes in the source time zone, with its VTIMEZONE', () => {
    const text = eventTextOf(session(), checkedCalendar({ timezone: 'Europe/Berlin' })) as string;
    expect(eventOf(text).fields).toMatchObject({
      start: '2026-03-10T09:00:00.000Z',
      end: '2026-03-10T10:30:00.000Z',
      timezone: 'Europe/Berlin',
    });
    expect(eventLines(text, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20260310T100000']);
    expect(contentLines(text)).toContain('TZID:Europe/Berlin');
  });

  it('reads a date with a time of day as wall time in the zone, across a change to summer time', () => {
    const source = checkedCalendar({
      timezone: 'Europe/Berlin',
      fields: { summary: 'title', start: 'day', startTime: 'startTime', endTime: 'endTime' },
    });
    const saturday = eventTextOf(
      session({ day: '2026-03-28', startTime: '10:00:00.000', endTime: '11:30:00.000' }),
      source,
    ) as string;
    const sunday = eventTextOf(
      session({ day: '2026-03-29', startTime: '10:00:00.000', endTime: '11:30:00.000' }),
      source,
    ) as string;
    expect(eventOf(saturday).fields).toMatchObject({
      start: '2026-03-28T09:00:00.000Z',
      end: '2026-03-28T10:30:00.000Z',
      allDay: false,
    });
    expect(eventOf(sunday).fields).toMatchObject({
      start: '2026-03-29T08:00:00.000Z',
      end: '2026-03-29T09:30:00.000Z',
      allDay: false,
    });
    expect(eventLines(saturday, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20260328T100000']);
    expect(eventLines(sunday, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20260329T100000']);
    expect(eventLines(sunday, 'DTEND')).toEqual(['DTEND;TZID=Europe/Berlin:20260329T113000']);
  });

  it('keeps wall times on both sides of the change for an event that spans it', () => {
    const source = checkedCalendar({
      timezone: 'Europe/Berlin',
      fields: { summary: 'title', start: 'day', startTime: 'startTime', end: 'endDay', endTime: 'endTime' },
    });
    const text = eventTextOf(
      session({ day: '2026-03-28', startTime: '22:00:00.000', endDay: '2026-03-29', endTime: '10:00:00.000' }),
      source,
    ) as string;
    // 22:00 CET to 10:00 CEST is 11 hours.
    expect(eventOf(text).fields).toMatchObject({ start: '2026-03-28T21:00:00.000Z', end: '2026-03-29T08:00:00.000Z' });
    expect(eventLines(text, 'DTSTART')).toEqual(['DTSTART;TZID=Europe/Berlin:20260328T220000']);
    expect(eventLines(text, 'DTEND')).toEqual(['DTEND;TZID=Europe/Berlin:20260329T100000']);
  });

  it('reads times written without seconds or milliseconds', () => {
    const source = checkedCalendar({
      timezone: 'America/New_York',
      fields: { summary: 'title', start: 'day', startTime: 'startTime' },
    });
    const text = eventTextOf(session({ day: '2026-07-04', startTime: '09:30' }), source);
    expect(eventOf(text).fields.start).toBe('2026-07-04T13:30:00.000Z');
  });

  it('makes a date without a time of day an all-day event of one day', () => {
    const source = checkedCalendar({
      timezone: 'Europe/Berlin',
      fields: { summary: 'title', start: 'day', startTime: 'startTime' },
    });
    const text = eventTextOf(session({ day: '2026-03-10', startTime: null }), source) as string;
    expect(eventOf(text).fields).toMatchObject({
      start: '2026-03-10T00:00:00.000Z',
      end: '2026-03-11T00:00:00.000Z',
      allDay: true,
      timezone: null,
    });
    expect(eventLines(text, 'DTSTART')).toEqual(['DTSTART;VALUE=DATE:20260310']);
    expect(eventLines(text, 'DTEND')).toEqual(['DTEND;VALUE=DATE:20260311']);
    expect(text).not.toContain('BEGIN:VTIMEZONE');
  });

  it('reads an all-day end date as the last day, inclusive', () => {
    const source = checkedCalendar({ fields: { summary: 'title', start: 'day', end: 'endDay' } });
    const text = eventTextOf(session({ day: '2026-03-10', endDay: '2026-03-12' }), source) as string;
    expect(eventLines(text, 'DTSTART')).toEqual(['DTSTART;VALUE=DATE:20260310']);
    expect(eventLines(text, 'DTEND')).toEqual(['DTEND;VALUE=DATE:20260313']);
    expect(eventOf(text).fields).toMatchObject({ allDay: true, end: '2026-03-13T00:00:00.000Z' });
    const sameDay = eventTextOf(session({ day: '2026-03-10', endDay: '2026-03-10' }), source) as string;
    expect(eventLines(sameDay, 'DTEND')).toEqual(['DTEND;VALUE=DATE:20260311']);
  });

  it('reads datetimes as dates in the zone when allDay is true', () => {
    const source = checkedCalendar({
      timezone: 'America/Los_Angeles',
      fields: { summary: 'title', start: 'startsAt', end: 'endsAt', allDay: 'allDay' },
    });
    // 03:00 UTC on the 10th is the evening of the 9th in Los Angeles.
    const entry = session({ startsAt: '2026-03-10T03:00:00.000Z', endsAt: '2026-03-12T20:00:00.000Z', allDay: true });
    const text = eventTextOf(entry, source) as string;
    expect(eventLines(text, 'DTSTART')).toEqual(['DTSTART;VALUE=DATE:20260309']);
    expect(eventLines(text, 'DTEND')).toEqual(['DTEND;VALUE=DATE:20260313']);
    const timed = eventTextOf({ ...entry, allDay: false }, source) as string;
    expect(eventLines(timed, 'DTSTART')).toEqual(['DTSTART;TZID=America/Los_Angeles:20260309T200000']);
  });

  it('ends after durationMinutes when there is no end', () => {
    const source = checkedCalendar({
      fields: { summary: 'title', start: 'startsAt', end: 'endsAt', durationMinutes: 'durationMinutes' },
    });
    expect(eventOf(eventTextOf(session({ endsAt: null, durationMinutes: 45 }), source)).fields.end).toBe(
      '2026-03-10T09:45:00.000Z',
    );
    expect(eventOf(eventTextOf(session({ endsAt: null, durationMinutes: '90' }), source)).fields.end).toBe(
      '2026-03-10T10:30:00.000Z',
    );
    // An end wins over the duration.
    expect(eventOf(eventTextOf(session({ durationMinutes: 45 }), source)).fields.end).toBe('2026-03-10T10:30:00.000Z');
    // A negative or unreadable duration gives no end.
    expect(eventLines(eventTextOf(session({ endsAt: null, durationMinutes: -5 }), source) as string, 'DTEND')).toEqual(
      [],
    );
    expect(
      eventLines(eventTextOf(session({ endsAt: null, durationMinutes: 'long' }), source) as string, 'DTEND'),
    ).toEqual([]);
  });

  it('puts an end time without an end date on the start day', () => {
    const source = checkedCalendar({
      timezone: 'Europe/Berlin',
      fields: { summary: 'title', start: 'day', startTime: 'startTime', endTime: 'endTime' },
    });
    const text = eventTextOf(
      session({ day: '2026-06-01', startTime: '14:00:00.000', endTime: '15:15:00.000' }),
      source,
    ) as string;
    expect(eventLines(text, 'DTEND')).toEqual(['DTEND;TZID=Europe/Berlin:20260601T151500']);
  });

  it('lasts until the end of the day for a date end without a time', () => {
    const source = checkedCalendar({
      timezone: 'Europe/Berlin',
      fields: { summary: 'title', start: 'day', startTime: 'startTime', end: 'endDay', endTime: 'endTime' },
    });
    const text = eventTextOf(
      session({ day: '2026-06-01', startTime: '14:00:00.000', endDay: '2026-06-02', endTime: null }),
      source,
    ) as string;
    expect(eventLines(text, 'DTEND')).toEqual(['DTEND;TZID=Europe/Berlin:20260603T000000']);
  });

  it('leaves out an end before the start', () => {
    const timed = eventTextOf(session({ endsAt: '2026-03-10T08:00:00.000Z' }), checkedCalendar()) as string;
    expect(eventLines(timed, 'DTSTART')).toEqual(['DTSTART:20260310T090000Z']);
    expect(eventLines(timed, 'DTEND')).toEqual([]);
    expect(eventOf(timed).fields.end).toBeNull();
    const allDay = eventTextOf(
      session({ day: '2026-03-10', endDay: '2026-03-08' }),
      checkedCalendar({ fields: { summary: 'title', start: 'day', end: 'endDay' } }),
    ) as string;
    expect(eventLines(allDay, 'DTSTART')).toEqual(['DTSTART;VALUE=DATE:20260310']);
    expect(eventLines(allDay, 'DTEND')).toEqual([]);
  });

  it('gives no event for an entry without a usable start', () => {
    const source = checkedCalendar();
    expect(eventTextOf(session({ startsAt: null }), source)).toBeNull();
    expect(eventTextOf(session({ startsAt: undefined }), source)).toBeNull();
    expect(eventTextOf(session({ startsAt: 'next Tuesday' }), source)).toBeNull();
    expect(eventTextOf(session({ startsAt: '0900-01-01T00:00:00Z' }), source)).toBeNull();
    const dated = checkedCalendar({ fields: { summary: 'title', start: 'day' } });
    expect(eventTextOf(session({ day: '2026-02-30' }), dated)).toBeNull();
    expect(eventTextOf(session({ documentId: '' }), source)).toBeNull();
  });
});

describe('eventTextOf: text fields', () => {
  const blocks = [
    { type: 'heading', level: 2, children: [{ type: 'text', text: 'Why sync matters' }] },
    {
      type: 'paragraph',
      children: [
        { type: 'text', text: 'Calendars ' },
        { type: 'text', text: 'drift', italic: true },
        { type: 'text', text: ' when copies are ' },
        { type: 'text', text: 'edited', bold: true },
        { type: 'text', text: '. Read ' },
        { type: 'link', url: 'https://www.rfc-editor.org/rfc/rfc4791', children: [{ type: 'text', text: 'the spec' }] },
        { type: 'text', text: ' & <compare>.' },
      ],
    },
    {
      type: 'list',
      format: 'unordered',
      children: [
        { type: 'list-item', children: [{ type: 'text', text: 'CalDAV' }] },
        {
          type: 'list',
          format: 'unordered',
          indentLevel: 1,
          children: [
            { type: 'list-item', children: [{ type: 'text', text: 'Events' }] },
            { type: 'list-item', children: [{ type: 'text', text: 'Tasks' }] },
          ],
        },
        { type: 'list-item', children: [{ type: 'text', text: 'CardDAV' }] },
      ],
    },
    {
      type: 'list',
      format: 'ordered',
      children: [
        { type: 'list-item', children: [{ type: 'text', text: 'Discover' }] },
        { type: 'list-item', children: [{ type: 'text', text: 'Sync' }] },
      ],
    },
    { type: 'paragraph', children: [{ type: 'text', text: '' }] },
    { type: 'quote', children: [{ type: 'text', text: 'Quoted text' }] },
    { type: 'code', language: 'js', children: [{ type: 'text', text: 'const a = 1;\nconsole.log(a);' }] },
    {
      type: 'image',
      image: { url: '/uploads/diagram.png', alternativeText: 'Diagram', mime: 'image/png' },
      children: [{ type: 'text', text: '' }],
    },
    {
      type: 'paragraph',
      children: [{ type: 'link', url: 'javascript:alert(1)', children: [{ type: 'text', text: 'no script' }] }],
    },
  ];

  it('turns blocks into plain text and an HTML X-ALT-DESC', () => {
    const source = checkedCalendar({ fields: { summary: 'title', start: 'startsAt', description: 'abstract' } });
    const text = eventTextOf(session({ abstract: blocks }), source, {
      siteOrigin: 'https://cms.example.org',
    }) as string;
    expect(eventOf(text).fields.description).toBe(
      [
        'Why sync matters',
        'Calendars drift when copies are edited. Read the spec (https://www.rfc-editor.org/rfc/rfc4791) & <compare>.',
        '- CalDAV\n  - Events\n  - Tasks\n- CardDAV',
        '1. Discover\n2. Sync',
        'Quoted text',
        'const a = 1;\nconsole.log(a);',
        'Diagram (https://cms.example.org/uploads/diagram.png)',
        'no script',
      ].join('\n\n'),
    );
    expect(contentLines(text).some((line) => line.startsWith('X-ALT-DESC;FMTTYPE=text/html:<html><body><h2>'))).toBe(
      true,
    );
    expect(untypedText(veventOf(text), 'x-alt-desc')).toBe(
      '<html><body><h2>Why sync matters</h2>' +
        '<p>Calendars <em>drift</em> when copies are <strong>edited</strong>. Read ' +
        '<a href="https://www.rfc-editor.org/rfc/rfc4791">the spec</a> &amp; &lt;compare&gt;.</p>' +
        '<ul><li>CalDAV<ul><li>Events</li><li>Tasks</li></ul></li><li>CardDAV</li></ul>' +
        '<ol><li>Discover</li><li>Sync</li></ol>' +
        '<blockquote>Quoted text</blockquote>' +
        '<pre><code>const a = 1;\nconsole.log(a);</code></pre>' +
        '<p><img src="https://cms.example.org/uploads/diagram.png" alt="Diagram"></p>' +
        '<p>no script</p></body></html>',
    );
  });

  it('reads nested list items inside list items, and numbers ordered lists', () => {
    const source = checkedCalendar({ fields: { summary: 'title', start: 'startsAt', description: 'abstract' } });
    const nested = [
      {
        type: 'list',
        format: 'ordered',
        children: [
          {
            type: 'list-item',
            children: [
              { type: 'text', text: 'First' },
              {
                type: 'list',
                format: 'unordered',
                children: [{ type: 'list-item', children: [{ type: 'text', text: 'detail' }] }],
              },
            ],
          },
          { type: 'list-item', children: [{ type: 'text', text: 'Second' }] },
        ],
      },
    ];
    const text = eventTextOf(session({ abstract: nested }), source) as string;
    expect(eventOf(text).fields.description).toBe('1. First\n  - detail\n2. Second');
    expect(untypedText(veventOf(text), 'x-alt-desc')).toBe(
      '<html><body><ol><li>First<ul><li>detail</li></ul></li><li>Second</li></ol></body></html>',
    );
  });

  it('turns Markdown (richtext) into readable plain text, without X-ALT-DESC', () => {
    const markdown = [
      '# Keeping calendars in sync',
      '',
      'Some **bold**, *italic*, __strong__, _em_ and ~~struck~~ text with `code_span` and snake_case_name.',
      '',
      '* first item',
      '* second with [a link](https://example.org/a "Title")',
      '  + nested',
      '1. one',
      '2) two',
      '',
      '> A quote with <https://example.org/auto>',
      '',
      '![Diagram](https://example.org/d.png)',
      '',
      'Setext',
      '======',
      '',
      '---',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      '```js',
      'const x = **not bold**;',
      '```',
      '2 * 3 * 4 = 24 \\*literal\\*',
      'Line<br>break &amp; <u>more</u>',
    ].join('\r\n');
    const source = checkedCalendar({ fields: { summary: 'title', start: 'startsAt', description: 'notes' } });
    const text = eventTextOf(session({ notes: markdown }), source) as string;
    expect(eventOf(text).fields.description).toBe(
      [
        'Keeping calendars in sync',
        '',
        'Some bold, italic, strong, em and struck text with code_span and snake_case_name.',
        '',
        '- first item',
        '- second with a link (https://example.org/a)',
        '  - nested',
        '1. one',
        '2. two',
        '',
        'A quote with https://example.org/auto',
        '',
        'Diagram (https://example.org/d.png)',
        '',
        'Setext',
        '',
        '| a | b |',
        '| 1 | 2 |',
        '',
        'const x = **not bold**;',
        '2 * 3 * 4 = 24 *literal*',
        'Line',
        'break & more',
      ].join('\n'),
    );
    expect(contentLines(text).some((line) => line.startsWith('X-ALT-DESC'))).toBe(false);
  });

  it('keeps code inside link text, and stays quick on pathological Markdown and deep blocks', () => {
    const source = checkedCalendar({ fields: { summary: 'title', start: 'startsAt', description: 'notes' } });
    const linked = eventTextOf(
      session({ notes: 'See [`caldav` docs](https://example.org/docs) and `a_b_c`.' }),
      source,
    );
    expect(eventOf(linked).fields.description).toBe('See caldav docs (https://example.org/docs) and a_b_c.');

    const started = Date.now();
    const hostile = [
      '_a '.repeat(3000),
      '*a '.repeat(3000),
      '`a '.repeat(3000),
      '~~a '.repeat(2000),
      `# ${' '.repeat(9000)}x`,
      'x_'.repeat(60000),
    ].join('\n');
    expect(eventTextOf(session({ notes: hostile }), source)).not.toBeNull();
    let deep: Record<string, unknown> = { type: 'list-item', children: [{ type: 'text', text: 'bottom' }] };
    for (let level = 0; level < 5000; level++) deep = { type: 'list', format: 'unordered', children: [deep] };
    const blocksSource = checkedCalendar({ fields: { summary: 'title', start: 'startsAt', description: 'abstract' } });
    expect(eventTextOf(session({ abstract: [deep] }), blocksSource)).not.toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads Markdown of a source not made by checkSources when given the models', () => {
    const source: CalendarSource = {
      kind: 'calendar',
      slug: 'talks',
      name: 'Talks',
      contentType: 'api::session.session',
      visibility: 'public',
      fields: { summary: 'title', start: 'startsAt', description: 'notes' },
    };
    const entry = session({ notes: 'A **bold** claim' });
    expect(eventOf(eventTextOf(entry, source, { getModel })).fields.description).toBe('A bold claim');
    expect(eventOf(eventTextOf(entry, source)).fields.description).toBe('A **bold** claim');
  });

  it('keeps text and string descriptions as they are', () => {
    const source = checkedCalendar({ fields: { summary: 'title', start: 'startsAt', description: 'summaryText' } });
    const text = eventTextOf(session({ summaryText: 'Line one, with **stars**;\r\nLine two\u0007' }), source);
    expect(eventOf(text).fields.description).toBe('Line one, with **stars**;\nLine two');
  });

  it('fills location, categories and summary from relations and enumerations', () => {
    const source = checkedCalendar({
      fields: { summary: 'track', start: 'startsAt', location: 'room.name', categories: 'tags.name' },
    });
    const entry = session({
      track: 'Hallway Track',
      room: { documentId: 'r1', name: 'Hall A' },
      tags: [{ name: 'sync' }, { name: 'design, UX' }, { name: 'sync' }, { name: null }],
    });
    const fields = eventOf(eventTextOf(entry, source)).fields;
    expect(fields).toMatchObject({ summary: 'Hallway Track', location: 'Hall A', categories: ['sync', 'design, UX'] });

    const byTrack = checkedCalendar({
      fields: { summary: 'title', start: 'startsAt', location: 'tags.name', categories: 'track' },
    });
    const other = eventOf(
      eventTextOf(session({ track: 'workshop', tags: [{ name: 'Room 1' }, { name: 'Room 2' }] }), byTrack),
    ).fields;
    expect(other).toMatchObject({ location: 'Room 1, Room 2', categories: ['workshop'] });
  });

  it('fills the URL from its pattern, each value encoded as a path segment', () => {
    const source = checkedCalendar({
      fields: {
        summary: 'title',
        start: 'startsAt',
        url: 'https://example.org/{locale}/talks/{slug}?id={documentId}&n={durationMinutes}',
      },
    });
    const text = eventTextOf(session({ slug: 'sync & go/ü?', durationMinutes: 45 }), source);
    expect(eventOf(text).fields.url).toBe(
      'https://example.org/en/talks/sync%20%26%20go%2F%C3%BC%3F?id=qz8k1w2e3r4t5y6u7i8o9p0a&n=45',
    );
    expect(eventOf(eventTextOf(session({ slug: '' }), source)).fields.url).toBeNull();
    expect(eventOf(eventTextOf(session({ durationMinutes: null }), source)).fields.url).toBeNull();
    expect(eventOf(eventTextOf(session({ locale: null }), source)).fields.url).toBeNull();
  });

  it('leaves out whatever is missing, null or of an unexpected shape, without throwing', () => {
    const source = checkedCalendar({
      timezone: 'Europe/Berlin',
      groupBy: 'tags.name',
      fields: {
        summary: 'title',
        start: 'startsAt',
        end: 'endsAt',
        durationMinutes: 'durationMinutes',
        allDay: 'allDay',
        location: 'room.name',
        description: 'abstract',
        categories: 'tags.name',
        url: 'https://example.org/talks/{slug}',
      },
    });
    const odd = session({
      title: { text: 'not a string' },
      endsAt: 'soon',
      durationMinutes: {},
      allDay: 'yes',
      room: 'Hall A',
      tags: [null, 5, { name: { nested: true } }, 'x'],
      abstract: [
        null,
        'text',
        { type: 'paragraph', children: 'not a list' },
        { type: 'list', children: [null, { type: 'list-item' }] },
      ],
      slug: ['a'],
    });
    const fields = eventOf(eventTextOf(odd, source)).fields;
    expect(fields).toMatchObject({
      summary: null,
      description: null,
      location: null,
      url: null,
      categories: null,
      end: null,
    });
    expect(groupsOf(odd, source)).toEqual([]);
    const bare: SourceEntry = { documentId: 'abc', updatedAt: 'not a date', startsAt: '2026-03-10T09:00:00Z' };
    const text = eventTextOf(bare, source) as string;
    expect(eventOf(text).fields.start).toBe('2026-03-10T09:00:00.000Z');
    expect(eventLines(text, 'DTSTAMP')).toEqual(['DTSTAMP:19700101T000000Z']);
  });
});

describe('eventTextOf: determinism', () => {
  const source = checkedCalendar({
    timezone: 'Europe/Berlin',
    fields: { summary: 'title', start: 'startsAt', end: 'endsAt', description: 'abstract', location: 'room.name' },
  });
  const entry = () =>
    session({
      room: { name: 'Hall A' },
      abstract: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'Same ' },
            { type: 'text', text: 'bytes', bold: true },
          ],
        },
      ],
    });

  it('gives the same bytes for the same entry, its stamps from updatedAt', () => {
    const first = eventTextOf(entry(), source) as string;
    expect(eventTextOf(entry(), source)).toBe(first);
    expect(eventTextOf({ ...entry(), updatedAt: new Date('2026-03-01T10:15:30.123Z') }, source)).toBe(first);
    expect(eventLines(first, 'DTSTAMP')).toEqual(['DTSTAMP:20260301T101530Z']);
    expect(eventLines(first, 'CREATED')).toEqual(['CREATED:20260301T101530Z']);
    expect(eventLines(first, 'LAST-MODIFIED')).toEqual(['LAST-MODIFIED:20260301T101530Z']);
  });

  it('changes the stamps, and only them, when updatedAt changes', () => {
    const before = eventTextOf(entry(), source) as string;
    const after = eventTextOf({ ...entry(), updatedAt: '2026-03-02T08:00:00.000Z' }, source) as string;
    expect(after).not.toBe(before);
    expect(eventLines(after, 'DTSTAMP')).toEqual(['DTSTAMP:20260302T080000Z']);
    const differing = contentLines(after).filter((line) => !contentLines(before).includes(line));
    expect(differing).toEqual([
      'DTSTAMP:20260302T080000Z',
      'CREATED:20260302T080000Z',
      'LAST-MODIFIED:20260302T080000Z',
    ]);
  });
});

describe('contactTextOf', () => {
  const source = () =>
    checkedAddressBook({
      fields: {
        fullName: 'name',
        email: 'email',
        phone: 'phone',
        organization: 'org.name',
        title: 'jobTitle',
        note: 'bio',
        photo: 'photo',
        url: 'https://example.org/speakers/{slug}',
      },
    });
  const speaker = (overrides: Record<string, unknown> = {}): SourceEntry => ({
    documentId: 'sp3ak3r0000000000000000a',
    updatedAt: '2026-02-20T16:45:00.000Z',
    name: 'Ada Lovelace',
    slug: 'ada-lovelace',
    email: 'ada@example.org',
    phone: '+44 20 7946 0000',
    company: 'Analytical Engines Ltd',
    jobTitle: 'Mathematician',
    org: { name: 'Analytical Society' },
    bio: [
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'Wrote the ' },
          { type: 'text', text: 'first', italic: true },
          { type: 'text', text: ' program.' },
        ],
      },
      {
        type: 'list',
        format: 'unordered',
        children: [{ type: 'list-item', children: [{ type: 'text', text: 'Notes' }] }],
      },
    ],
    photo: {
      url: '/uploads/ada.jpg',
      mime: 'image/jpeg',
      formats: {
        thumbnail: { url: '/uploads/thumbnail_ada.jpg', mime: 'image/jpeg' },
        small: { url: '/uploads/small_ada.jpg', mime: 'image/jpeg' },
      },
    },
    ...overrides,
  });

  it('writes a vCard 3.0 the server reads back', () => {
    const text = contactTextOf(speaker(), source(), 'https://cms.example.org') as string;
    expectWellFormed(text);
    const card = parseVCard(text);
    expect(card.version).toBe('3.0');
    expect(card.uid).toBe('sp3ak3r0000000000000000a@api-speaker-speaker');
    expect(card.fields).toMatchObject({
      fullName: 'Ada Lovelace',
      name: { family: 'Lovelace', given: 'Ada' },
      emails: [{ value: 'ada@example.org' }],
      phones: [{ value: '+44 20 7946 0000' }],
      organization: 'Analytical Society',
      title: 'Mathematician',
      note: 'Wrote the first program.\n\n- Notes',
      url: 'https://example.org/speakers/ada-lovelace',
      photo: { uri: 'https://cms.example.org/uploads/small_ada.jpg' },
      kind: 'individual',
    });
    expect(contentLines(text)).toContain('REV:20260220T164500Z');
    expect(contactTextOf(speaker(), source(), 'https://cms.example.org')).toBe(text);
  });

  it('links the photo: a small rendition, else the thumbnail, else the file; absolute URLs as they are', () => {
    const photoOf = (photo: unknown, origin = 'https://cms.example.org') =>
      parseVCard(contactTextOf(speaker({ photo }), source(), origin) as string).fields.photo;
    expect(photoOf({ url: '/uploads/ada.jpg', formats: { thumbnail: { url: '/uploads/thumbnail_ada.jpg' } } })).toEqual(
      {
        uri: 'https://cms.example.org/uploads/thumbnail_ada.jpg',
      },
    );
    expect(photoOf({ url: '/uploads/ada.jpg', mime: 'image/jpeg', formats: null })).toEqual({
      uri: 'https://cms.example.org/uploads/ada.jpg',
    });
    expect(photoOf({ url: 'https://cdn.example.net/ada.jpg', mime: 'image/jpeg' })).toEqual({
      uri: 'https://cdn.example.net/ada.jpg',
    });
    expect(photoOf({ url: '/uploads/ada.jpg' }, 'https://example.org/cms/')).toEqual({
      uri: 'https://example.org/cms/uploads/ada.jpg',
    });
    expect(photoOf({ url: '/uploads/cv.pdf', mime: 'application/pdf' })).toBeNull();
    expect(photoOf(null)).toBeNull();
    expect(photoOf({ url: 'javascript:alert(1)' })).toBeNull();
  });

  it('gives no contact without a full name, and leaves out what is missing', () => {
    expect(contactTextOf(speaker({ name: '  ' }), source(), 'https://cms.example.org')).toBeNull();
    expect(contactTextOf(speaker({ name: null }), source(), 'https://cms.example.org')).toBeNull();
    const text = contactTextOf(
      {
        documentId: 'x1',
        updatedAt: '2026-02-20T16:45:00.000Z',
        name: 'Grace Hopper',
        org: [],
        bio: null,
        photo: [],
        slug: null,
      },
      source(),
      'https://cms.example.org',
    ) as string;
    expect(parseVCard(text).fields).toMatchObject({
      fullName: 'Grace Hopper',
      emails: null,
      phones: null,
      organization: null,
      note: null,
      url: null,
      photo: null,
    });
  });

  it('changes only REV when updatedAt changes', () => {
    const before = contactTextOf(speaker(), source(), 'https://cms.example.org') as string;
    const after = contactTextOf(
      speaker({ updatedAt: '2026-02-21T09:00:00.000Z' }),
      source(),
      'https://cms.example.org',
    ) as string;
    expect(contentLines(after).filter((line) => !contentLines(before).includes(line))).toEqual([
      'REV:20260221T090000Z',
    ]);
  });
});

describe('groupsOf', () => {
  it('gives one group for an enumeration or string value, keyed by a URL-safe slug', () => {
    const source = checkedCalendar({ groupBy: 'track' });
    expect(groupsOf(session({ track: 'main_stage' }), source)).toEqual([{ key: 'main-stage', name: 'main_stage' }]);
    expect(groupsOf(session({ track: 'Hallway Track' }), source)).toEqual([
      { key: 'hallway-track', name: 'Hallway Track' },
    ]);
    expect(groupsOf(session({ track: null }), source)).toEqual([]);
    expect(groupsOf(session({ track: '   ' }), source)).toEqual([]);
  });

  it('gives the related entry for a to-one relation, and each one for a to-many relation', () => {
    const byRoom = checkedCalendar({ groupBy: 'room.name' });
    expect(groupsOf(session({ room: { name: 'Großer Saal' } }), byRoom)).toEqual([
      { key: 'grosser-saal', name: 'Großer Saal' },
    ]);
    expect(groupsOf(session({ room: null }), byRoom)).toEqual([]);
    const byTag = checkedCalendar({ groupBy: 'tags.name' });
    expect(
      groupsOf(session({ tags: [{ name: 'Café Ü' }, { name: 'Sync' }, { name: 'sync' }, { name: '' }] }), byTag),
    ).toEqual([
      { key: 'cafe-u', name: 'Café Ü' },
      { key: 'sync', name: 'Sync' },
    ]);
    expect(groupsOf(session({ tags: [] }), byTag)).toEqual([]);
  });

  it('keys a value without Latin letters or digits by its hash, the same every time', () => {
    const source = checkedCalendar({ groupBy: 'title' });
    const [group] = groupsOf(session({ title: '会議室' }), source);
    expect(group.name).toBe('会議室');
    expect(group.key).toMatch(/^g-[0-9a-f]{8}$/);
    expect(groupsOf(session({ title: '会議室' }), source)).toEqual([group]);
    expect(groupsOf(session({ title: '講堂' }), source)[0].key).not.toBe(group.key);
  });

  it('keeps keys within the slug rules, and gives nothing without groupBy', () => {
    const source = checkedCalendar({ groupBy: 'title' });
    const [group] = groupsOf(session({ title: `${'Very long title '.repeat(10)}!` }), source);
    expect(group.key).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
    expect(group.key.length).toBeLessThanOrEqual(60);
    expect(groupsOf(session({ track: 'workshop' }), checkedCalendar())).toEqual([]);
  });
});

describe('sourceUid', () => {
  it('is documentId, locale and content type, stable across edits', () => {
    const source = checkedCalendar();
    const uid = sourceUid(session(), source);
    expect(uid).toBe('qz8k1w2e3r4t5y6u7i8o9p0a-en@api-session-session');
    expect(
      sourceUid(
        session({ title: 'Renamed', updatedAt: '2027-01-01T00:00:00Z', startsAt: '2027-01-01T00:00:00Z' }),
        source,
      ),
    ).toBe(uid);
    expect(sourceUid(session({ locale: 'pt-BR' }), source)).toBe('qz8k1w2e3r4t5y6u7i8o9p0a-pt-BR@api-session-session');
    expect(sourceUid(session({ locale: null }), source)).toBe('qz8k1w2e3r4t5y6u7i8o9p0a@api-session-session');
    expect(sourceUid({ documentId: 'a b', updatedAt: '' }, checkedAddressBook())).toBe('a_b@api-speaker-speaker');
  });

  it('is the UID of the event and of the contact', () => {
    expect(eventOf(eventTextOf(session(), checkedCalendar())).uid).toBe(sourceUid(session(), checkedCalendar()));
    const entry: SourceEntry = { documentId: 'p1', updatedAt: '2026-01-01T00:00:00Z', name: 'Alan Turing' };
    expect(parseVCard(contactTextOf(entry, checkedAddressBook(), 'https://cms.example.org') as string).uid).toBe(
      'p1@api-speaker-speaker',
    );
  });
});

describe('sourcePopulate', () => {
  it('reads the related attributes the paths use, and media with url, mime and formats', () => {
    const talks = checkedCalendar({
      groupBy: 'room.name',
      fields: {
        summary: 'title',
        start: 'startsAt',
        location: 'room.name',
        categories: 'tags.name',
        description: 'abstract',
      },
    });
    expect(sourcePopulate(talks, getModel)).toEqual({ room: { fields: ['name'] }, tags: { fields: ['name'] } });
    const speakers = checkedAddressBook({
      fields: { fullName: 'name', organization: 'org.name', photo: 'photo', note: 'bio' },
    });
    expect(sourcePopulate(speakers, getModel)).toEqual({
      org: { fields: ['name'] },
      photo: { fields: ['formats', 'mime', 'url'] },
    });
    expect(sourcePopulate(checkedCalendar(), getModel)).toEqual({});
  });

  it('reads what the text functions need of the entries it loads', () => {
    const source = checkedAddressBook({ fields: { fullName: 'name', organization: 'org.name', photo: 'photo' } });
    const entry = speakerFromPopulate();
    const text = contactTextOf(entry, source, 'https://cms.example.org') as string;
    expect(parseVCard(text).fields).toMatchObject({
      organization: 'Analytical Society',
      photo: { uri: 'https://cms.example.org/uploads/small_ada.jpg' },
    });
  });
});

describe('sourceFields', () => {
  it('lists the attributes read of the entry itself, with updatedAt, publishedAt and locale where the type has them', () => {
    const talks = checkedCalendar({
      groupBy: 'track',
      timezone: 'Europe/Berlin',
      fields: {
        summary: 'title',
        start: 'day',
        startTime: 'startTime',
        location: 'room.name',
        description: 'notes',
        url: 'https://example.org/{locale}/talks/{slug}?id={documentId}',
      },
    });
    expect(sourceFields(talks, getModel)).toEqual([
      'updatedAt',
      'publishedAt',
      'locale',
      'title',
      'day',
      'startTime',
      'notes',
      'track',
      'slug',
    ]);
    const speakers = checkedAddressBook({ fields: { fullName: 'name', photo: 'photo', organization: 'org.name' } });
    expect(sourceFields(speakers, getModel)).toEqual(['updatedAt', 'name']);
  });
});

/** A speaker as the document service returns it with the populate above (only the populated fields of relations). */
function speakerFromPopulate(): SourceEntry {
  return {
    id: 7,
    documentId: 'sp3ak3r0000000000000000a',
    updatedAt: '2026-02-20T16:45:00.000Z',
    publishedAt: '2026-02-20T16:45:00.000Z',
    locale: null,
    name: 'Ada Lovelace',
    org: { id: 3, documentId: 'org0000000000000000000001', name: 'Analytical Society' },
    photo: {
      id: 12,
      documentId: 'file000000000000000000001',
      url: '/uploads/ada.jpg',
      mime: 'image/jpeg',
      formats: { small: { url: '/uploads/small_ada.jpg', width: 500, height: 500, mime: 'image/jpeg' } },
    },
  };
}
