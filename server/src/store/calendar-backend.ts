import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';

import { componentTypes, type CalendarObject, type ComponentType } from '../ical';
import type {
  CalendarBackend,
  CalendarChanges,
  CalendarInfo,
  CalendarObjectInfo,
  Principal,
  PrincipalDirectory,
  StoredCalendarObject,
} from '../dav/backend';
import { DavError } from '../dav/errors';
import type { TimeRange } from '../dav/model';
import { CALENDAR_UID, EVENT_UID, USER_UID } from '../uids';
import { toPrincipal } from '../auth/principals';
import { asDavWrite } from './dav-writes';
import { eventDataFromObject, etagOf } from './event-data';

interface CalendarRow {
  id: number;
  documentId: string;
  name: string;
  slug: string;
  description: string | null;
  color: string | null;
  timezone: string | null;
  sortOrder: number | null;
  components: unknown;
  deadProperties: unknown;
  updatedAt: string | Date;
}

interface EventRow {
  id: number;
  documentId: string;
  resourceName: string;
  etag: string | null;
  size: number | null;
  icalendar: string | null;
  updatedAt: string | Date;
}

const calendarFields = ['id', 'documentId', 'name', 'slug', 'description', 'color', 'timezone', 'sortOrder', 'components', 'deadProperties', 'updatedAt'];
const objectFields = ['id', 'documentId', 'resourceName', 'etag', 'size', 'updatedAt'];

const asDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

function componentsOf(value: unknown): ComponentType[] {
  if (!Array.isArray(value)) return ['VEVENT', 'VTODO'];
  const components = value.filter((item): item is ComponentType => componentTypes.includes(item as ComponentType));
  return components.length > 0 ? components : ['VEVENT', 'VTODO'];
}

function deadPropertiesOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Published rows of the calendar's events: what DAV clients and subscribers see. */
const publishedIn = (calendar: CalendarInfo) => ({ publishedAt: { $notNull: true }, calendar: { documentId: calendar.documentId } });

/**
 * CalDAV storage over Strapi. Writes go through the document service (so editors, lifecycles and other plugins see
 * them) inside one transaction each; reads use the query engine on the published rows.
 */
export function createCalendarBackend(strapi: Core.Strapi): CalendarBackend {
  const calendars = () => strapi.db.query(CALENDAR_UID as never);
  const events = () => strapi.db.query(EVENT_UID as never);
  const documents = () => strapi.documents(EVENT_UID as never);

  async function toInfo(row: CalendarRow): Promise<CalendarInfo> {
    const where = { publishedAt: { $notNull: true }, calendar: { documentId: row.documentId } };
    const [count, latest] = await Promise.all([
      events().count({ where }),
      events().findOne({ select: ['updatedAt'], where, orderBy: { updatedAt: 'desc' } }) as Promise<{ updatedAt: string | Date } | null>,
    ]);
    const calendarChanged = asDate(row.updatedAt);
    const latestMember = latest ? asDate(latest.updatedAt) : null;
    const lastModified = latestMember && latestMember > calendarChanged ? latestMember : calendarChanged;
    // Any added, changed or removed member changes the count or the latest update time.
    const ctag = createHash('sha256')
      .update(`${row.documentId}|${calendarChanged.toISOString()}|${count}|${latestMember?.toISOString() ?? ''}`)
      .digest('base64url')
      .slice(0, 22);
    return {
      documentId: row.documentId,
      slug: row.slug,
      displayName: row.name,
      description: row.description,
      color: row.color,
      order: row.sortOrder ?? 0,
      timezone: row.timezone,
      components: componentsOf(row.components),
      ctag,
      lastModified,
      deadProperties: deadPropertiesOf(row.deadProperties),
    };
  }

  function calendarData(changes: CalendarChanges, current?: CalendarInfo): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    if (changes.displayName !== undefined) data.name = changes.displayName ?? current?.slug;
    if (changes.description !== undefined) data.description = changes.description;
    if (changes.color !== undefined) data.color = changes.color;
    if (changes.order !== undefined) data.sortOrder = changes.order ?? 0;
    if (changes.timezone !== undefined) data.timezone = changes.timezone;
    if (changes.components !== undefined) data.components = changes.components;
    if (changes.deadProperties !== undefined) {
      const merged: Record<string, string> = { ...(current?.deadProperties ?? {}) };
      for (const [key, value] of Object.entries(changes.deadProperties)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      data.deadProperties = merged;
    }
    return data;
  }

  const toObjectInfo = (row: EventRow): CalendarObjectInfo => ({
    name: row.resourceName,
    etag: row.etag ?? '',
    size: row.size ?? Buffer.byteLength(row.icalendar ?? ''),
    lastModified: asDate(row.updatedAt),
  });
  const toStoredObject = (row: EventRow): StoredCalendarObject => ({ ...toObjectInfo(row), data: row.icalendar ?? '' });

  async function publishedRow(calendar: CalendarInfo, name: string, withData: boolean): Promise<EventRow | null> {
    return (await events().findOne({
      select: withData ? [...objectFields, 'icalendar'] : objectFields,
      where: { ...publishedIn(calendar), resourceName: name },
    })) as EventRow | null;
  }

  return {
    async listCalendars(owner: Principal) {
      const rows = (await calendars().findMany({
        select: calendarFields,
        where: { owner: { id: owner.id } },
        orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
      })) as CalendarRow[];
      return Promise.all(rows.map(toInfo));
    },

    async findCalendar(owner: Principal, slug: string) {
      const row = (await calendars().findOne({ select: calendarFields, where: { slug, owner: { id: owner.id } } })) as CalendarRow | null;
      return row ? toInfo(row) : null;
    },

    async createCalendar(owner: Principal, slug: string, changes: CalendarChanges) {
      const taken = await calendars().findOne({ select: ['id'], where: { slug } });
      if (taken) throw new DavError(409, `The calendar name "${slug}" is already in use on this site; choose another.`);
      const created = (await strapi.documents(CALENDAR_UID as never).create({
        data: { ...calendarData(changes), name: changes.displayName ?? slug, slug, owner: owner.documentId } as never,
      })) as unknown as { documentId: string };
      const row = (await calendars().findOne({ select: calendarFields, where: { documentId: created.documentId } })) as CalendarRow;
      return toInfo(row);
    },

    async updateCalendar(calendar: CalendarInfo, changes: CalendarChanges) {
      await strapi.documents(CALENDAR_UID as never).update({ documentId: calendar.documentId, data: calendarData(changes, calendar) as never });
    },

    async deleteCalendar(calendar: CalendarInfo) {
      await strapi.db.transaction(async () => {
        const members = (await events().findMany({ select: ['documentId'], where: { calendar: { documentId: calendar.documentId } } })) as Array<{ documentId: string }>;
        for (const documentId of new Set(members.map((member) => member.documentId))) {
          await documents().delete({ documentId });
        }
        await strapi.documents(CALENDAR_UID as never).delete({ documentId: calendar.documentId });
      });
    },

    async listObjects(calendar: CalendarInfo) {
      const rows = (await events().findMany({ select: objectFields, where: publishedIn(calendar) })) as EventRow[];
      return rows.map(toObjectInfo);
    },

    async getObjects(calendar: CalendarInfo, names: string[]) {
      if (names.length === 0) return [];
      const rows = (await events().findMany({
        select: [...objectFields, 'icalendar'],
        where: { ...publishedIn(calendar), resourceName: { $in: names } },
      })) as EventRow[];
      return rows.map(toStoredObject);
    },

    async findObject(calendar: CalendarInfo, name: string) {
      const row = await publishedRow(calendar, name, true);
      return row ? toStoredObject(row) : null;
    },

    async findObjectNameByUid(calendar: CalendarInfo, uid: string) {
      const row = (await events().findOne({
        select: ['resourceName'],
        where: { uid, calendar: { documentId: calendar.documentId } },
      })) as { resourceName: string } | null;
      return row?.resourceName ?? null;
    },

    async queryObjects(calendar: CalendarInfo, range: TimeRange | null) {
      const where: Record<string, unknown> = { ...publishedIn(calendar) };
      if (range) {
        // Objects without bounds (no dates, or unbounded series) stay candidates; the exact filter decides.
        where.$and = [
          ...(range.end ? [{ $or: [{ firstOccurrence: { $null: true } }, { firstOccurrence: { $lte: range.end } }] }] : []),
          ...(range.start ? [{ $or: [{ lastOccurrence: { $null: true } }, { lastOccurrence: { $gte: range.start } }] }] : []),
        ];
      }
      const rows = (await events().findMany({ select: [...objectFields, 'icalendar'], where })) as EventRow[];
      return rows.map(toStoredObject);
    },

    async putObject(calendar: CalendarInfo, name: string, data: string, parsed: CalendarObject) {
      const eventData = { ...eventDataFromObject(parsed, data), resourceName: name, calendar: calendar.documentId };
      return strapi.db.transaction(() =>
        asDavWrite(async () => {
          const existing = await publishedRow(calendar, name, false);
          if (existing) {
            await documents().update({ documentId: existing.documentId, data: eventData as never, status: 'published' } as never);
            return { etag: eventData.etag, created: false };
          }
          await documents().create({ data: eventData as never, status: 'published' } as never);
          return { etag: eventData.etag, created: true };
        }),
      );
    },

    async deleteObject(calendar: CalendarInfo, name: string) {
      await strapi.db.transaction(async () => {
        const existing = await publishedRow(calendar, name, false);
        if (existing) await documents().delete({ documentId: existing.documentId });
      });
    },

    async moveObject(from: CalendarInfo, name: string, to: CalendarInfo, newName: string) {
      return strapi.db.transaction(() =>
        asDavWrite(async () => {
          const source = await publishedRow(from, name, true);
          if (!source) throw new DavError(404, 'The calendar object no longer exists.');
          const replaced = await publishedRow(to, newName, false);
          if (replaced && replaced.documentId !== source.documentId) await documents().delete({ documentId: replaced.documentId });
          await documents().update({
            documentId: source.documentId,
            data: { calendar: to.documentId, resourceName: newName } as never,
            status: 'published',
          } as never);
          return { etag: source.etag ?? etagOf(source.icalendar ?? '') };
        }),
      );
    },
  };
}

export function createPrincipalDirectory(strapi: Core.Strapi, findByUsername: (username: string) => Promise<Principal | null>): PrincipalDirectory {
  return {
    findByUsername,
    async search(terms: string[], test: 'allof' | 'anyof') {
      if (terms.length === 0) return [];
      const conditions = terms.map((term) => ({ $or: [{ username: { $containsi: term } }, { email: { $containsi: term } }] }));
      const rows = (await strapi.db.query(USER_UID as never).findMany({
        select: ['id', 'documentId', 'username', 'email'],
        where: {
          $and: [
            { $or: [{ blocked: false }, { blocked: { $null: true } }] },
            test === 'allof' ? { $and: conditions } : { $or: conditions },
          ],
        },
        orderBy: { username: 'asc' },
        limit: 50,
      })) as Array<{ id: number; documentId: string; username: string; email: string | null }>;
      return rows.map(toPrincipal);
    },
  };
}
