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
import { compiledSelect, createSchema, runFixed, tables, type Tables } from './sql';

/** Event attributes stored as datetimes, and as JSON. */
const DATE_ATTRIBUTES = new Set(['start', 'end', 'firstOccurrence', 'lastOccurrence']);
const JSON_ATTRIBUTES = new Set(['exdates', 'categories']);
/**
 * Stored writes are announced once the client's writes have paused for ANNOUNCE_QUIET_MS (so that the reads behind
 * them do not compete with the requests of a burst, such as a sync right after its changes), and at the latest
 * ANNOUNCE_MAX_DELAY_MS after the first of them; ANNOUNCE_BATCH_SIZE are read back at once.
 */
const ANNOUNCE_QUIET_MS = 50;
const ANNOUNCE_MAX_DELAY_MS = 1000;
const ANNOUNCE_BATCH_SIZE = 100;

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
/** Each site's event writers' ways to announce at once what they hold back, for a shutdown. */
const announcersOf = new WeakMap<Core.Strapi, Set<() => Promise<void>>>();
/** A shutdown waits this long at most for the waiting announcements (a listener could hang). */
const SHUTDOWN_ANNOUNCE_MS = 5000;

/**
 * Announces the client writes still waiting for a pause (see ANNOUNCE_QUIET_MS) now, and waits for them: called while
 * Strapi shuts down, before its event hub and database close, so that no webhook of a stored write is lost.
 */
export async function announceWaitingWrites(strapi: Core.Strapi): Promise<void> {
  const all = Promise.all([...(announcersOf.get(strapi) ?? [])].map((announceNow) => announceNow()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SHUTDOWN_ANNOUNCE_MS);
  });
  await Promise.race([all, timeout]);
  clearTimeout(timer);
}

export function createEventWriter(strapi: Core.Strapi) {
  const changeLog = createChangeLog(strapi);
  let resolved: ReturnType<typeof resolveNames> | null = null;
  function resolveNames() {
    const schema = createSchema(strapi);
    const link = schema.link(EVENT_UID, 'calendar');
    return {
      events: schema.table(EVENT_UID),
      link,
      column: (attribute: string) => schema.column(EVENT_UID, attribute),
    };
  }
  const names = () => (resolved ??= resolveNames());

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

  type Versions = { draft: Entry | null; published: Entry | null };

  /** Events' draft and published versions as an event payload carries them (relations in, private fields out). */
  async function storedVersions(documentIds: string[]): Promise<Map<string, Versions>> {
    const model = eventModel();
    const rows = (await strapi.db.query(EVENT_UID as never).findMany({ where: { documentId: { $in: documentIds } }, populate: eventPopulate() })) as Entry[];
    const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as Model;
    const versions = new Map<string, Versions>();
    for (const row of rows) {
      const documentId = String(row.documentId);
      const entry = versions.get(documentId) ?? { draft: null, published: null };
      const sanitized = await sanitize.sanitizers.defaultSanitizeOutput({ schema: model, getModel }, row);
      if (row.publishedAt !== null && row.publishedAt !== undefined) entry.published = sanitized;
      else entry.draft = sanitized;
      versions.set(documentId, entry);
    }
    return versions;
  }

  /**
   * Stored client writes waiting to be announced. They are read back together, a moment after the first of them:
   * a client syncing many changes costs two reads per batch instead of two per write, and those reads do not
   * compete with every following request.
   */
  let pending: Array<{ documentId: string; created: boolean; entry: Record<string, unknown> }> = [];
  let announcing: Promise<void> = Promise.resolve();
  let announceTimer: ReturnType<typeof setTimeout> | null = null;
  let firstPendingAt = 0;

  /**
   * How many waiting announcements to read back at once. On SQLite only a few sizes (100, 10 or 1): it keeps each
   * statement text prepared, with some native memory, and the texts of batches of every size would fill its cache.
   */
  function announceBatchSize(waiting: number): number {
    if (strapi.db.dialect.client !== 'sqlite') return Math.min(waiting, ANNOUNCE_BATCH_SIZE);
    return waiting >= ANNOUNCE_BATCH_SIZE ? ANNOUNCE_BATCH_SIZE : waiting >= 10 ? 10 : 1;
  }

  async function announcePending(): Promise<void> {
    const model = eventModel();
    while (pending.length > 0) {
      const batch = pending.slice(0, announceBatchSize(pending.length));
      pending = pending.slice(batch.length);
      // Should the read fail (the database gone right after the commit), the changes are still announced.
      const versions = await storedVersions([...new Set(batch.map((item) => item.documentId))]).catch((error: unknown) => {
        strapi.log.warn(`caldav: reading back stored events for their announcement failed: ${String(error)}`);
        return new Map<string, Versions>();
      });
      for (const { documentId, created, entry } of batch) {
        const { draft, published } = versions.get(documentId) ?? { draft: null, published: null };
        const written = { documentId, ...entry };
        const emit = (name: string, version: Entry | null) => strapi.eventHub.emit(name, { model: model.modelName, uid: model.uid, entry: version ?? written });
        try {
          await emit(created ? 'entry.create' : 'entry.update', draft);
          await emit('entry.publish', published);
        } catch (error) {
          // A listener's failure costs its own announcement only.
          strapi.log.warn(`caldav: announcing an event change failed: ${String(error)}`);
        }
      }
    }
  }

  function startAnnouncing(): void {
    announceTimer = null;
    announcing = announcing.then(announcePending).catch((error: unknown) => {
      strapi.log.warn(`caldav: announcing event changes failed: ${String(error)}`);
    });
  }

  const announcers = announcersOf.get(strapi) ?? new Set<() => Promise<void>>();
  announcersOf.set(strapi, announcers);
  announcers.add(async () => {
    if (announceTimer !== null) {
      clearTimeout(announceTimer);
      startAnnouncing();
    }
    await announcing;
  });

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
      // The calendar's next sync position, first thing: this locks the calendar's row until commit, so that writers
      // to one calendar queue here before touching the event's rows (which keeps MySQL from deadlocking on them).
      const position = await changeLog.advance(CALENDAR_UID, calendarDocumentId);
      if (!position) throw new DavError(409, 'The calendar no longer exists.');
      const calendar = { id: position.id };
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
      if (uidHolder) {
        await changeLog.retreat(CALENDAR_UID, position);
        return { uidTakenBy: uidHolder.resourceName };
      }
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
      const client = strapi.db.dialect.client;
      const isPostgres = client === 'postgres';
      // What clients see changed unless the same bytes were stored again.
      const changed = !published || published.etag !== eventData.etag;
      const change = changed ? changeLog.changesAt(table, calendarDocumentId, position.sequence, [{ name, removed: false }]) : null;
      // On PostgreSQL the rows, their links and the change go in one statement (a WITH of inserts and updates): each
      // statement is a round trip to the database server, which is most of what a small write costs.
      const folded = isPostgres && change !== null;
      if (draft && published) {
        // Both versions get the same fields in one statement; only the publication date tells them apart.
        const update = table(n.events)
          .whereIn('id', [draft.id, published.id])
          // PostgreSQL cannot tell a parameter's type inside CASE; read as the column reads it (the offset ignored).
          .update({ ...values, [publishedAt]: table.raw(`CASE WHEN id = ? THEN NULL ELSE ${isPostgres ? 'CAST(? AS timestamp)' : '?'} END`, [draft.id, now]) });
        await runFixed(strapi, table, folded ? change.with('updated_events', update) : update);
      } else if (!draft && !published && client !== 'mysql') {
        // A new event: both rows, then both links (MySQL cannot return several new ids).
        const rows = table(n.events).insert(
          [
            { ...fresh, [publishedAt]: null },
            { ...fresh, [publishedAt]: now },
          ],
          ['id'],
        );
        const order = n.link.inverseOrder ? { [n.link.inverseOrder]: now.getTime() } : {};
        if (folded) {
          const columns = [n.link.from, n.link.to, ...Object.keys(order)];
          const selected = ['id', 'CAST(? AS integer)', ...Object.keys(order).map(() => 'CAST(? AS double precision)')];
          const links = table(n.link.table).insert(
            table.raw(`(${columns.map(() => '??').join(', ')}) select ${selected.join(', ')} from new_events`, [...columns, calendar.id, ...Object.values(order)]),
          );
          await runFixed(strapi, table, change.with('new_events', rows).with('new_links', links));
        } else {
          const inserted = await runFixed<{ id: number }>(strapi, table, rows);
          await runFixed(strapi, table, table(n.link.table).insert(inserted.map((row) => ({ [n.link.from]: Number(row.id), [n.link.to]: calendar.id, ...order }))));
        }
      } else {
        if (draft) await table(n.events).where('id', draft.id).update({ ...values, [publishedAt]: null });
        else await linkTo(await insertRow(table, { ...fresh, [publishedAt]: null }));
        if (published) await table(n.events).where('id', published.id).update({ ...values, [publishedAt]: now });
        else await linkTo(await insertRow(table, { ...fresh, [publishedAt]: now }));
      }

      if (folded) changeLog.recorded();
      else if (change) await runFixed(strapi, table, change).then(() => changeLog.recorded());
      else await changeLog.retreat(CALENDAR_UID, position);
      return { etag: eventData.etag, created: !published, documentId, changed };
    },

    /**
     * Tells Strapi's event hub (webhooks, audit logs) about a stored client write, after its commit, with the entries
     * an editor's change delivers: the draft for `entry.create` / `entry.update`, then the published version for
     * `entry.publish`, each read back with its relations and without private fields, as the document service's
     * events carry them. Webhook consumers then get the row's id, timestamps, publication state and calendar, not
     * only the fields the client sent. `entry` (what was written) stands in for a version that cannot be read back.
     * Announcements go out in the order of the writes, within ANNOUNCE_MAX_DELAY_MS; two writes of one event in the same
     * batch both carry its latest state.
     */
    announce(documentId: string, created: boolean, entry: Record<string, unknown>): void {
      pending.push({ documentId, created, entry });
      const now = Date.now();
      if (announceTimer === null) firstPendingAt = now;
      else if (now - firstPendingAt >= ANNOUNCE_MAX_DELAY_MS) return;
      else clearTimeout(announceTimer);
      announceTimer = setTimeout(startAnnouncing, Math.min(ANNOUNCE_QUIET_MS, firstPendingAt + ANNOUNCE_MAX_DELAY_MS - now)).unref();
    },
  };
}
