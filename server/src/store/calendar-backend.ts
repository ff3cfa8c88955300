import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

import { componentTypes, type CalendarObject, type ComponentType } from '../ical';
import type { CalendarBackend, CalendarChanges, CalendarInfo, Principal, PrincipalDirectory, WriteCondition } from '../dav/backend';
import { DavError } from '../dav/errors';
import { NS, type TimeRange } from '../dav/model';
import { CALENDAR_UID, EVENT_UID, ROLE_UID, USER_UID } from '../uids';
import { toPrincipal } from '../auth/principals';
import { withRetries } from './change-log';
import { asDate, createCollectionStore } from './collection-store';
import { asDavWrite } from './dav-writes';
import { eventDataFromObject, etagOf, SPAN_CLASSES, spanClassHours, UNBOUNDED_SPAN } from './event-data';
import { createEventWriter } from './event-writes';

const INVALID_CALENDAR_DATA = { ns: NS.CALDAV, name: 'valid-calendar-data' };

function componentsOf(value: unknown): ComponentType[] {
  if (!Array.isArray(value)) return ['VEVENT', 'VTODO'];
  const components = value.filter((item): item is ComponentType => componentTypes.includes(item as ComponentType));
  return components.length > 0 ? components : ['VEVENT', 'VTODO'];
}

function calendarFields(changes: CalendarChanges): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (changes.color !== undefined) data.color = changes.color;
  if (changes.order !== undefined) data.sortOrder = changes.order ?? 0;
  if (changes.timezone !== undefined) data.timezone = changes.timezone;
  if (changes.components !== undefined) data.components = changes.components;
  return data;
}

function createCalendarStore(strapi: Core.Strapi) {
  return createCollectionStore<CalendarInfo>(
    strapi,
    { collectionUid: CALENDAR_UID, memberUid: EVENT_UID, relation: 'calendar', textField: 'icalendar', extraFields: ['color', 'timezone', 'sortOrder', 'components', 'visibility'] },
    (row, common) => ({
      ...common,
      color: (row.color as string | null) ?? null,
      order: (row.sortOrder as number | null) ?? 0,
      timezone: (row.timezone as string | null) ?? null,
      components: componentsOf(row.components),
    }),
  );
}

type CalendarStore = ReturnType<typeof createCalendarStore>;

/**
 * The published events of a calendar that may occur in a range, by the stored occurrence bounds: what calendar-query
 * and the occurrences API expand. Rows come in resource-name order, with their text.
 */
async function candidateRows(store: CalendarStore, calendar: CalendarInfo, range: TimeRange | null) {
  const n = store.names();
  const first = `m.${n.memberColumn('firstOccurrence')}`;
  const last = `m.${n.memberColumn('lastOccurrence')}`;
  const span = `m.${n.memberColumn('occurrenceSpan')}`;
  const bounded = range && (range.start || range.end);
  return store.memberRows(
    calendar.documentId,
    true,
    (query) => {
      if (bounded) {
        // Bounds include their ends. Objects without bounds (no dates, endless series) stay candidates; the exact
        // filter decides. Each span class is an index range on where its objects begin.
        query.where((candidates: Knex.QueryBuilder) => {
          // Unbounded objects, and objects stored before span classes existed (until they are filled in).
          candidates.whereNull(span).orWhere(span, UNBOUNDED_SPAN);
          for (let spanClass = 0; spanClass < SPAN_CLASSES; spanClass += 1) {
            candidates.orWhere((inClass: Knex.QueryBuilder) => {
              inClass.where(span, spanClass);
              if (range.start) inClass.where(first, '>=', new Date(range.start.getTime() - spanClassHours(spanClass) * 3_600_000));
              if (range.end) inClass.where(first, '<=', range.end);
            });
          }
        });
        if (range.start) query.where((bound: Knex.QueryBuilder) => bound.whereNull(last).orWhere(last, '>=', range.start as Date));
      }
      return query.select({ firstOccurrence: first, lastOccurrence: last }).orderBy(n.memberName);
    },
    // A bounded range picks objects by the time index; an unbounded one reads the calendar.
    Boolean(bounded),
  );
}

/** What the occurrences API reads of the plugin's own calendars: their events that may occur in a range. */
export function createOccurrenceSource(strapi: Core.Strapi) {
  const store = createCalendarStore(strapi);
  return {
    async candidates(calendar: CalendarInfo, range: TimeRange): Promise<Array<{ documentId: string; data: string }>> {
      return (await candidateRows(store, calendar, range)).map((row) => ({ documentId: row.documentId, data: String(row.icalendar ?? '') }));
    },
  };
}

/** CalDAV storage over Strapi: calendars and their events. */
export function createCalendarBackend(strapi: Core.Strapi): CalendarBackend {
  const store = createCalendarStore(strapi);
  const writer = createEventWriter(strapi);
  const documents = () => strapi.documents(EVENT_UID as never);

  return {
    ...store.members,
    listCalendars: (user: Principal) => store.listOf(user, [{ sortOrder: 'asc' }, { name: 'asc' }]),
    findCalendar: (slug: string, viewer: Principal | null) => store.findOf(slug, viewer),
    async findCalendarObject(slug: string, viewer: Principal | null, name: string) {
      const found = await store.findWithMember(slug, viewer, name);
      return found ? { calendar: found.collection, object: found.member } : null;
    },
    createCalendar: (owner: Principal, slug: string, changes: CalendarChanges) => store.create(owner, slug, changes, calendarFields(changes)),
    updateCalendar: (calendar: CalendarInfo, changes: CalendarChanges) => store.update(calendar, changes, calendarFields(changes)),
    updatePersonal: (calendar: CalendarInfo, viewer: Principal, changes: CalendarChanges) =>
      store.updatePersonal(calendar, viewer, { displayName: changes.displayName, color: changes.color, order: changes.order }),
    deleteCalendar: (calendar: CalendarInfo) => store.deleteWithMembers(calendar),

    async queryObjects(calendar: CalendarInfo, range: TimeRange | null) {
      const rows = await candidateRows(store, calendar, range);
      const boundOf = (value: unknown) => (value === null || value === undefined ? null : asDate(value));
      return rows.map((row) => ({ ...store.toStoredMember(row), bounds: { first: boundOf(row.firstOccurrence), last: boundOf(row.lastOccurrence) } }));
    },

    async putObject(calendar: CalendarInfo, name: string, data: string, parsed: CalendarObject, condition?: WriteCondition) {
      const eventData = eventDataFromObject(parsed, data);
      writer.check({ ...eventData, resourceName: name });
      // The writer locks the calendar row itself, first thing in the transaction.
      const stored = await withRetries(() => strapi.db.transaction(() => writer.put(calendar.documentId, name, eventData, condition)));
      if ('uidTakenBy' in stored) return stored;
      if (stored.changed) writer.announce(stored.documentId, stored.created, { ...eventData, resourceName: name });
      return { etag: stored.etag, created: stored.created };
    },

    async moveObject(from: CalendarInfo, name: string, to: CalendarInfo, newName: string, conditions: { source?: WriteCondition; destination?: WriteCondition } = {}) {
      return store.writeTransaction([from.documentId, to.documentId], () =>
        asDavWrite(async () => {
          const source = await store.memberRow(from, name, true);
          if (!source) throw new DavError(404, 'The calendar object no longer exists.');
          const sourceEtag = source.etag ?? etagOf(String(source.icalendar ?? ''));
          // Checked again under the collections' locks: a write may have come between the request's checks and here.
          if (conditions.source && !conditions.source(sourceEtag)) throw new DavError(412, 'The calendar object has changed since you read it.');
          const replaced = await store.memberRow(to, newName, false);
          const replacedEtag = replaced ? replaced.etag ?? etagOf(String(replaced.icalendar ?? '')) : null;
          if (conditions.destination && !conditions.destination(replacedEtag)) throw new DavError(412, 'The destination exists and Overwrite is F.');
          if (replaced && replaced.documentId !== source.documentId) await documents().delete({ documentId: replaced.documentId });
          await documents().update({
            documentId: source.documentId,
            data: { calendar: to.documentId, resourceName: newName } as never,
            status: 'published',
          } as never);
          return { etag: sourceEtag };
        }, INVALID_CALENDAR_DATA),
      );
    },
  };
}

export function createPrincipalDirectory(strapi: Core.Strapi, findByUsername: (username: string) => Promise<Principal | null>): PrincipalDirectory {
  const roles = () => strapi.db.query(ROLE_UID as never);
  const toGroup = (row: { type: string; name: string } | null) => (row ? { role: row.type, displayName: row.name } : null);
  return {
    findByUsername,
    async findGroup(role: string) {
      return toGroup((await roles().findOne({ select: ['type', 'name'], where: { type: role } })) as { type: string; name: string } | null);
    },
    async groupOf(principal: Principal) {
      const row = (await strapi.db.query(USER_UID as never).findOne({
        select: ['id'],
        where: { id: principal.id },
        populate: { role: { select: ['type', 'name'] } },
      })) as { role?: { type: string; name: string } | null } | null;
      return toGroup(row?.role ?? null);
    },
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
