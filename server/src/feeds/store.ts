/**
 * What feeds read and write in the database: calendars by slug or secret token, their newest change, their
 * published events in batches, and the owner's tokens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import { CALENDAR_UID, EVENT_UID, SYNC_CHANGE_UID } from '../uids';

export interface FeedCalendar {
  id: number;
  documentId: string;
  slug: string;
  name: string;
  description: string | null;
  timezone: string | null;
  visibility: string;
  feedToken: string | null;
  syncSequence: number;
  updatedAt: Date;
}

/** Instants outside which events are left out; null: no limit on that side. */
export interface FeedWindow {
  after: Date | null;
  before: Date | null;
}

interface CalendarRow {
  id: number;
  documentId: string;
  slug: string;
  name: string;
  description: string | null;
  timezone: string | null;
  visibility: string | null;
  feedToken: string | null;
  syncSequence: number | string | null;
  updatedAt: string | Date;
}

const calendarFields = ['id', 'documentId', 'slug', 'name', 'description', 'timezone', 'visibility', 'feedToken', 'syncSequence', 'updatedAt'];

/** Event texts read per query: few enough that memory stays flat, many enough that a large feed needs few round trips. */
export const EVENT_BATCH_SIZE = 250;

/** 32 random bytes, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newFeedToken = (): string => randomBytes(32).toString('base64url');

const asDate = (value: string | Date): Date => (value instanceof Date ? value : new Date(value));

function toCalendar(row: CalendarRow): FeedCalendar {
  return {
    id: row.id,
    documentId: row.documentId,
    slug: row.slug,
    name: row.name,
    description: row.description,
    timezone: row.timezone,
    visibility: row.visibility ?? 'private',
    feedToken: row.feedToken,
    syncSequence: Number(row.syncSequence ?? 0),
    updatedAt: asDate(row.updatedAt),
  };
}

function sameToken(stored: string, given: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface EventTables {
  events: string;
  link: string;
  linkEvent: string;
  linkCalendar: string;
  publishedAt: string;
  firstOccurrence: string;
  lastOccurrence: string;
  icalendar: string;
}

interface ModelMetadata {
  tableName: string;
  attributes: Record<string, { columnName?: string; joinTable?: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } } }>;
}

/** Table and column names of events and their calendar link, as Strapi's schema named them. */
function eventTablesOf(strapi: Core.Strapi): EventTables {
  const meta = strapi.db.metadata.get(EVENT_UID) as unknown as ModelMetadata;
  const column = (attribute: string): string => {
    const name = meta.attributes[attribute]?.columnName;
    if (!name) throw new Error(`caldav: the event model has no column for "${attribute}"`);
    return name;
  };
  const link = meta.attributes.calendar?.joinTable;
  if (!link) throw new Error('caldav: the event model has no calendar link table');
  return {
    events: meta.tableName,
    link: link.name,
    linkEvent: link.joinColumn.name,
    linkCalendar: link.inverseJoinColumn.name,
    publishedAt: column('publishedAt'),
    firstOccurrence: column('firstOccurrence'),
    lastOccurrence: column('lastOccurrence'),
    icalendar: column('icalendar'),
  };
}

export function createFeedStore(strapi: Core.Strapi) {
  const calendars = () => strapi.db.query(CALENDAR_UID as never);
  let tables: EventTables | null = null;
  // Read on first use: the metadata exists once Strapi has loaded its models.
  const eventTables = (): EventTables => (tables ??= eventTablesOf(strapi));

  async function findCalendar(where: Record<string, unknown>): Promise<FeedCalendar | null> {
    const row = (await calendars().findOne({ select: calendarFields, where })) as CalendarRow | null;
    return row ? toCalendar(row) : null;
  }

  return {
    findPublic: (slug: string) => findCalendar({ slug, visibility: 'public' }),

    /** Any calendar, whatever its visibility: for exports (admin panel, command line), which check access themselves. */
    findByDocumentId: (documentId: string) => findCalendar({ documentId }),

    /**
     * The calendar whose secret token this is. The database finds the candidate; the final comparison is constant
     * time and exact, since some collations (MySQL's default) compare case-insensitively.
     */
    async findByToken(token: string): Promise<FeedCalendar | null> {
      if (!TOKEN_PATTERN.test(token)) return null;
      const calendar = await findCalendar({ feedToken: token });
      return calendar?.feedToken && sameToken(calendar.feedToken, token) ? calendar : null;
    },

    /** When the newest change the change log still holds for the calendar's events was made. */
    async lastChange(calendar: FeedCalendar): Promise<Date | null> {
      const row = (await strapi.db.query(SYNC_CHANGE_UID as never).findOne({
        select: ['createdAt'],
        where: { collectionId: calendar.documentId },
        orderBy: [{ sequence: 'desc' }, { id: 'desc' }],
      })) as { createdAt: string | Date } | null;
      return row ? asDate(row.createdAt) : null;
    },

    /**
     * The stored text of the calendar's published events in id order, a batch at a time. The ids come first, in one
     * query (a few bytes per event); the texts are then read by primary key, a batch per query. Paging with
     * "id > last ORDER BY id LIMIT n" over the calendar's link would leave the plan to each database's statistics,
     * and the plans they pick sort all the calendar's remaining events for every batch, which is quadratic.
     */
    async *eventTexts(calendar: FeedCalendar, window: FeedWindow): AsyncGenerator<string[]> {
      const names = eventTables();
      const knex = strapi.db.connection;
      const selection = knex(`${names.events} as e`)
        .join(`${names.link} as l`, `l.${names.linkEvent}`, 'e.id')
        .where(`l.${names.linkCalendar}`, calendar.id)
        .whereNotNull(`e.${names.publishedAt}`);
      const { after, before } = window;
      if (after) selection.where((bound) => bound.whereNull(`e.${names.lastOccurrence}`).orWhere(`e.${names.lastOccurrence}`, '>=', after));
      if (before) selection.where((bound) => bound.whereNull(`e.${names.firstOccurrence}`).orWhere(`e.${names.firstOccurrence}`, '<=', before));
      const ids = ((await selection.select('e.id as id')) as Array<{ id: number | string }>).map((row) => Number(row.id)).sort((a, b) => a - b);

      for (let start = 0; start < ids.length; start += EVENT_BATCH_SIZE) {
        const batch = ids.slice(start, start + EVENT_BATCH_SIZE);
        const rows = (await knex(names.events).whereIn('id', batch).select('id', `${names.icalendar} as icalendar`)) as Array<{
          id: number | string;
          icalendar: string | null;
        }>;
        // Deleted or unpublished since the ids were read: left out.
        const texts = new Map(rows.map((row) => [Number(row.id), row.icalendar]));
        yield batch.flatMap((id) => {
          const text = texts.get(id);
          return text ? [text] : [];
        });
      }
    },

    async ownCalendars(ownerId: number): Promise<FeedCalendar[]> {
      const rows = (await calendars().findMany({
        select: calendarFields,
        where: { owner: { id: ownerId } },
        orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
      })) as CalendarRow[];
      return rows.map(toCalendar);
    },

    ownCalendar: (ownerId: number, slug: string) => findCalendar({ slug, owner: { id: ownerId } }),

    /** Sets or clears the calendar's secret token; the previous one stops working with this write. */
    async setToken(calendar: FeedCalendar, token: string | null): Promise<FeedCalendar> {
      await calendars().update({ where: { id: calendar.id }, data: { feedToken: token } });
      return { ...calendar, feedToken: token };
    },
  };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
