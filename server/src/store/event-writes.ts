import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';
import { contentTypes, sanitize } from '@strapi/utils';

import type { WriteCondition } from '../dav/backend';
import { DavError } from '../dav/errors';
import { NS } from '../dav/model';
import { collectProblems } from '../middlewares/document-rules';
import { CALENDAR_UID, EVENT_UID } from '../uids';
import { createChangeLog } from './change-log';
import type { EventData } from './event-data';
import { compiledSelect, createSchema, tables, type Tables } from './sql';

/** Event attributes stored as datetimes, and as JSON. */
const DATE_ATTRIBUTES = new Set(['start', 'end', 'firstOccurrence', 'lastOccurrence']);
const JSON_ATTRIBUTES = new Set(['exdates', 'categories']);

interface ExistingRow {
  id: number;
  documentId: string;
  publishedAt: unknown;
  etag: string | null;
  resourceName: string;
}

export interface StoredEvent {
  etag: string;
  created: boolean;
}

/**
 * A client's PUT of a calendar object, stored with plain SQL: the event's draft and published rows, laid out as the
 * document service lays them out (so that the Content Manager shows the event published, and an editor's later
 * change goes through the document service as usual), their links to the calendar, and the change log entry.
 * The caller runs it inside the write's transaction. Skipping the document service's generic machinery keeps a
 * PUT to a few statements whatever the calendar's size; Strapi's entry events are emitted after the commit, with
 * the entries the document service's events carry, so webhooks fire as for an editor's change.
 */
export function createEventWriter(strapi: Core.Strapi) {
  const changeLog = createChangeLog(strapi);
  let resolved: ReturnType<typeof resolveNames> | null = null;
  function resolveNames() {
    const schema = createSchema(strapi);
    const link = schema.link(EVENT_UID, 'calendar');
    return {
      events: schema.table(EVENT_UID),
      calendars: schema.table(CALENDAR_UID),
      calendarDocumentId: schema.column(CALENDAR_UID, 'documentId'),
      link,
      column: (attribute: string) => schema.column(EVENT_UID, attribute),
    };
  }
  const names = () => (resolved ??= resolveNames());

  // The calendar's row, locked until commit where the database has row locks: writers to one calendar queue here,
  // before touching the event's rows (which keeps MySQL from deadlocking on them).
  const lockedCalendar = compiledSelect<{ id: number }>(strapi, (table, parameter) => {
    const n = names();
    const lookup = table(n.calendars).where(n.calendarDocumentId, parameter(0)).first('id');
    return strapi.db.dialect.client === 'sqlite' ? lookup : lookup.forUpdate();
  });

  // The event's rows and any other event with its UID, from the name's and the UID's indexes to the link: never a
  // walk over the calendar's events. Drafts count too: a UID belongs to one event, published or not.
  const eventRows = compiledSelect<ExistingRow>(strapi, (table, parameter) => {
    const n = names();
    const calendarOfEvent = table(`${n.link.table} as l`).where(`l.${n.link.from}`, table.ref('m.id')).select(`l.${n.link.to}`).limit(1);
    return table(`${n.events} as m`)
      .where((query) => query.where(`m.${n.column('resourceName')}`, parameter(0)).orWhere(`m.${n.column('uid')}`, parameter(1)))
      .whereRaw('(?) = ?', [calendarOfEvent, parameter(2)])
      .select({
        id: 'm.id',
        documentId: `m.${n.column('documentId')}`,
        publishedAt: `m.${n.column('publishedAt')}`,
        etag: `m.${n.column('etag')}`,
        resourceName: `m.${n.column('resourceName')}`,
      });
  });

  /** The row values of the event's fields, converted as Strapi converts them for the database. */
  function columnsOf(data: EventData & { resourceName: string }): Record<string, unknown> {
    const n = names();
    const row: Record<string, unknown> = {};
    for (const [attribute, value] of Object.entries(data)) {
      let stored: unknown = value ?? null;
      if (stored !== null && DATE_ATTRIBUTES.has(attribute)) stored = new Date(stored as string);
      else if (stored !== null && JSON_ATTRIBUTES.has(attribute)) stored = JSON.stringify(stored);
      row[n.column(attribute)] = stored;
    }
    return row;
  }

  /** Refuses what the document rules would refuse, with the CalDAV precondition and the reason. */
  function check(data: Record<string, unknown>): void {
    const problems = collectProblems(EVENT_UID, data);
    if (problems.length > 0) {
      const reason = problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; ');
      throw new DavError(403, `This cannot be stored: ${reason}`, { ns: NS.CALDAV, name: 'valid-calendar-data' });
    }
  }

  type Model = Parameters<typeof sanitize.sanitizers.defaultSanitizeOutput>[0]['schema'];
  type Entry = Parameters<typeof sanitize.sanitizers.defaultSanitizeOutput>[1];
  const eventModel = () => strapi.getModel(EVENT_UID as never) as unknown as Model & { modelName: string; uid: string };

  /**
   * What the document service populates for its entry events: every relation and media field (the event's schema
   * has relations only), except private ones, which the payload leaves out anyway.
   */
  let populate: Record<string, true | { select: string[] }> | null = null;
  function eventPopulate(): Record<string, true | { select: string[] }> {
    if (populate) return populate;
    const model = eventModel();
    populate = {};
    for (const [attributeName, attribute] of Object.entries(model.attributes)) {
      if (contentTypes.isPrivateAttribute(model, attributeName)) continue;
      if (attribute.type === 'relation' && !('unstable_virtual' in attribute && attribute.unstable_virtual)) populate[attributeName] = true;
      else if (attribute.type === 'media') populate[attributeName] = { select: ['*'] };
    }
    return populate;
  }

  /** The event's draft and published versions as an event payload carries them (relations in, private fields out). */
  async function storedVersions(documentId: string): Promise<{ draft: Entry | null; published: Entry | null }> {
    const model = eventModel();
    const rows = (await strapi.db.query(EVENT_UID as never).findMany({ where: { documentId }, populate: eventPopulate() })) as Entry[];
    const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as Model;
    const sanitized = async (row: Entry | undefined) => (row ? sanitize.sanitizers.defaultSanitizeOutput({ schema: model, getModel }, row) : null);
    const isPublished = (row: Entry) => row.publishedAt !== null && row.publishedAt !== undefined;
    return {
      draft: await sanitized(rows.find((row) => !isPublished(row))),
      published: await sanitized(rows.find(isPublished)),
    };
  }

  async function insertRow(table: Tables, values: Record<string, unknown>): Promise<number> {
    // MySQL has no RETURNING (knex warns on every insert that asks for it) and answers the new id anyway.
    const insert = strapi.db.dialect.client === 'mysql' ? table(names().events).insert(values) : table(names().events).insert(values, ['id']);
    const [inserted] = (await insert) as Array<number | { id: number }>;
    return typeof inserted === 'object' ? Number(inserted.id) : Number(inserted);
  }

  return {
    check,

    /**
     * Writes the event named `name` in the calendar; call inside the write's transaction. Writes nothing when
     * another event of the calendar has the same UID, and names that event instead.
     */
    async put(
      calendarDocumentId: string,
      name: string,
      eventData: EventData,
      condition?: WriteCondition,
    ): Promise<(StoredEvent & { documentId: string; changed: boolean }) | { uidTakenBy: string }> {
      const n = names();
      const table = await tables(strapi);
      const [calendar] = await lockedCalendar(calendarDocumentId);
      if (!calendar) throw new DavError(409, 'The calendar no longer exists.');
      const rows = await eventRows(name, eventData.uid, calendar.id);
      // The client's If-Match / If-None-Match against the event as it is now, with the calendar locked: of two
      // writes made from the same version, the second is refused instead of overwriting the first.
      if (condition) {
        const current = rows.find((row) => row.resourceName === name && row.publishedAt !== null && row.publishedAt !== undefined);
        if (!condition(current ? current.etag ?? '' : null)) {
          throw new DavError(412, current ? 'The calendar object has changed since you read it.' : 'The calendar object does not exist.');
        }
      }
      const uidHolder = rows.find((row) => row.resourceName !== name);
      if (uidHolder) return { uidTakenBy: uidHolder.resourceName };
      const existing = rows;

      const now = new Date();
      const values = { ...columnsOf({ ...eventData, resourceName: name }), [n.column('updatedAt')]: now };
      const draft = existing.find((row) => row.publishedAt === null || row.publishedAt === undefined);
      const published = existing.find((row) => row.publishedAt !== null && row.publishedAt !== undefined);
      const documentId = draft?.documentId ?? published?.documentId ?? createId();
      const linkTo = async (eventId: number) => {
        // The position among the calendar's events, for the Content Manager's relation list: increasing, like the
        // document service's "last", without reading the current maximum.
        const order = n.link.inverseOrder ? { [n.link.inverseOrder]: now.getTime() } : {};
        await table(n.link.table).insert({ [n.link.from]: eventId, [n.link.to]: calendar.id, ...order });
      };
      const fresh = { ...values, [n.column('documentId')]: documentId, [n.column('createdAt')]: now, [n.column('locale')]: null };

      const publishedAt = n.column('publishedAt');
      const isPostgres = strapi.db.dialect.client === 'postgres';
      if (draft && published) {
        // Both versions get the same fields in one statement; only the publication date tells them apart.
        await table(n.events)
          .whereIn('id', [draft.id, published.id])
          // PostgreSQL cannot tell a parameter's type inside CASE; read as the column reads it (the offset ignored).
          .update({ ...values, [publishedAt]: table.raw(`CASE WHEN id = ? THEN NULL ELSE ${isPostgres ? 'CAST(? AS timestamp)' : '?'} END`, [draft.id, now]) });
      } else if (!draft && !published && strapi.db.dialect.client !== 'mysql') {
        // A new event: both rows, then both links, in one statement each (MySQL cannot return several new ids).
        const inserted = (await table(n.events).insert(
          [
            { ...fresh, [publishedAt]: null },
            { ...fresh, [publishedAt]: now },
          ],
          ['id'],
        )) as Array<{ id: number }>;
        const order = n.link.inverseOrder ? { [n.link.inverseOrder]: now.getTime() } : {};
        await table(n.link.table).insert(inserted.map((row) => ({ [n.link.from]: Number(row.id), [n.link.to]: calendar.id, ...order })));
      } else {
        if (draft) await table(n.events).where('id', draft.id).update({ ...values, [publishedAt]: null });
        else await linkTo(await insertRow(table, { ...fresh, [publishedAt]: null }));
        if (published) await table(n.events).where('id', published.id).update({ ...values, [publishedAt]: now });
        else await linkTo(await insertRow(table, { ...fresh, [publishedAt]: now }));
      }

      // What clients see changed unless the same bytes were stored again.
      const changed = !published || published.etag !== eventData.etag;
      if (changed) await changeLog.record(CALENDAR_UID, calendarDocumentId, [{ name, removed: false }]);
      return { etag: eventData.etag, created: !published, documentId, changed };
    },

    /**
     * Tells Strapi's event hub (webhooks, audit logs) about a stored client write, after its commit, with the entries
     * an editor's change delivers: the draft for `entry.create` / `entry.update`, then the published version for
     * `entry.publish`, each read back with its relations and without private fields, as the document service's
     * events carry them. Webhook consumers then get the row's id, timestamps, publication state and calendar, not
     * only the fields the client sent. `entry` (what was written) stands in for a version that cannot be read back.
     */
    announce(documentId: string, created: boolean, entry: Record<string, unknown>): void {
      setImmediate(() => {
        void (async () => {
          const model = eventModel();
          // Should the read fail (the database gone right after the commit), the change is still announced.
          const { draft, published } = await storedVersions(documentId).catch((error: unknown) => {
            strapi.log.warn(`caldav: reading back a stored event for its announcement failed: ${String(error)}`);
            return { draft: null, published: null };
          });
          const written = { documentId, ...entry };
          const emit = (name: string, version: Entry | null) =>
            strapi.eventHub.emit(name, { model: model.modelName, uid: model.uid, entry: version ?? written });
          await emit(created ? 'entry.create' : 'entry.update', draft);
          await emit('entry.publish', published);
        })().catch((error: unknown) => strapi.log.warn(`caldav: announcing an event change failed: ${String(error)}`));
      });
    },
  };
}
