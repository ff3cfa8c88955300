import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

import { createId } from '@paralleldrive/cuid2';

import { ADDRESS_BOOK_UID, CALENDAR_UID, SOURCE_STATE_UID, SYNC_CHANGE_UID } from '../uids';
import { compiledSelect, createSchema, runFixed, tables, type Tables } from './sql';

/** Where a collection's sync position lives: its own row, or a content source's state row. */
export type CollectionType = typeof CALENDAR_UID | typeof ADDRESS_BOOK_UID | typeof SOURCE_STATE_UID;

const tableOf: Record<CollectionType, string> = {
  [CALENDAR_UID]: 'caldav_calendars',
  [ADDRESS_BOOK_UID]: 'caldav_address_books',
  [SOURCE_STATE_UID]: 'caldav_source_states',
};

export interface MemberChange {
  name: string;
  removed: boolean;
}

export interface SyncState {
  /** The collection's current position in its change log. */
  sequence: number;
  /** Changes up to this position have been pruned: older tokens can no longer be answered. */
  floor: number;
}

/** Default number of days a change stays answerable to an incremental sync. */
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * The change log behind sync tokens and ctags. Each collection has a counter in its own row: a write increments it
 * inside the write's transaction, which holds the row lock until commit, so that writers to one collection get
 * their numbers in commit order, also across several Strapi processes on one database. A sync that read number N
 * has seen every change up to N, and every later change gets a larger number.
 */
export function createChangeLog(strapi: Core.Strapi) {
  const changes = () => strapi.db.query(SYNC_CHANGE_UID as never);
  let resolved: ReturnType<typeof resolveNames> | null = null;
  const resolveNames = () => {
    const schema = createSchema(strapi);
    const column = (attribute: string) => schema.column(SYNC_CHANGE_UID, attribute);
    return {
      table: schema.table(SYNC_CHANGE_UID),
      documentId: column('documentId'),
      collectionId: column('collectionId'),
      sequence: column('sequence'),
      resourceName: column('resourceName'),
      removed: column('removed'),
      createdAt: column('createdAt'),
      updatedAt: column('updatedAt'),
      publishedAt: column('publishedAt'),
    };
  };
  const names = () => (resolved ??= resolveNames());

  const changesBetween = compiledSelect<{ resourceName: string; removed: unknown; sequence: number }>(strapi, (table, parameter) => {
    const n = names();
    return table(n.table)
      .where(n.collectionId, parameter(0))
      .where(n.sequence, '>', parameter(1))
      .where(n.sequence, '<=', parameter(2))
      .orderBy([n.sequence, 'id'])
      .select({ resourceName: n.resourceName, removed: n.removed, sequence: n.sequence });
  });

  const changeLog = {
    /** Appends changes of one collection's members; call inside the transaction of the write. */
    async record(type: CollectionType, collectionId: string, entries: MemberChange[]): Promise<void> {
      if (entries.length === 0) return;
      await strapi.db.transaction(async () => {
        const position = await changeLog.advance(type, collectionId);
        if (position) await changeLog.recordAt(collectionId, position.sequence, entries);
      });
    },

    /**
     * Moves the collection to its next position and gives it, with the collection's row id: inside a write's
     * transaction, as its first statement, this also takes the collection's row lock, so that writers to one
     * collection queue here (see `lockCollection`). Null when the collection is gone.
     */
    async advance(type: CollectionType, collectionId: string): Promise<{ id: number; sequence: number } | null> {
      const table = await tables(strapi);
      const incremented = table(tableOf[type]).where({ document_id: collectionId }).increment('sync_sequence', 1);
      let row: { id: number; sync_sequence: number } | undefined;
      if (strapi.db.dialect.client === 'mysql') {
        // No RETURNING: the row is locked by the update, so the read that follows sees this transaction's number.
        await incremented;
        row = (await table(tableOf[type]).where({ document_id: collectionId }).first('id', 'sync_sequence')) as typeof row;
      } else {
        [row] = await runFixed<{ id: number; sync_sequence: number }>(strapi, table, incremented.returning(['id', 'sync_sequence']));
      }
      return row ? { id: Number(row.id), sequence: Number(row.sync_sequence) } : null;
    },

    /** Takes back an `advance` whose write changed nothing clients see; inside the same transaction. */
    async retreat(type: CollectionType, position: { id: number; sequence: number }): Promise<void> {
      const table = await tables(strapi);
      await runFixed(strapi, table, table(tableOf[type]).where({ id: position.id }).update({ sync_sequence: position.sequence - 1 }));
    },

    /** Appends changes at a position taken with `advance`, in the same transaction. */
    async recordAt(collectionId: string, sequence: number, entries: MemberChange[]): Promise<void> {
      if (entries.length === 0) return;
      const table = await tables(strapi);
      const inserted = changeLog.changesAt(table, collectionId, sequence, entries);
      // A single change (a client's write) has one text; a batch's text depends on its size.
      await (entries.length === 1 ? runFixed(strapi, table, inserted) : inserted);
      changeLog.recorded();
    },

    /**
     * The insert of changes at a position taken with `advance`, not yet run: for a writer that makes it part of its
     * own statement, and then calls `recorded`.
     */
    changesAt(table: Tables, collectionId: string, sequence: number, entries: MemberChange[]): Knex.QueryBuilder {
      const n = names();
      const now = new Date();
      return table(n.table).insert(
        entries.map((entry) => ({
          [n.documentId]: createId(),
          [n.collectionId]: collectionId,
          [n.sequence]: sequence,
          [n.resourceName]: entry.name,
          [n.removed]: entry.removed,
          [n.createdAt]: now,
          [n.updatedAt]: now,
          [n.publishedAt]: now,
        })),
      );
    },

    /** Changes were appended: the log is pruned now and then, after the write. */
    recorded(): void {
      schedulePrune(strapi, changeLog);
    },

    /**
     * Takes the collection's row lock at the start of a client's write, before the member's own rows: every writer to
     * a collection then queues at the same place first, which keeps MySQL from deadlocking on the relation tables.
     */
    async lockCollection(type: CollectionType, collectionId: string): Promise<void> {
      if (strapi.db.dialect.client === 'sqlite') return; // One writer at a time already.
      await strapi.db.transaction(async ({ trx }) => {
        await strapi.db.connection(tableOf[type]).transacting(trx).where({ document_id: collectionId }).forUpdate().first('id');
      });
    },

    async state(type: CollectionType, collectionId: string): Promise<SyncState> {
      const row = (await strapi.db.connection(tableOf[type]).where({ document_id: collectionId }).first('sync_sequence', 'sync_floor')) as
        | { sync_sequence: number | null; sync_floor: number | null }
        | undefined;
      return { sequence: Number(row?.sync_sequence ?? 0), floor: Number(row?.sync_floor ?? 0) };
    },

    /** The members changed after `since` up to `until`, each once with its latest change, in order. */
    async changedSince(collectionId: string, since: number, until: number): Promise<Array<MemberChange & { sequence: number }>> {
      const rows = await changesBetween(collectionId, since, until);
      const latest = new Map<string, MemberChange & { sequence: number }>();
      for (const row of rows) {
        latest.delete(row.resourceName);
        latest.set(row.resourceName, { name: row.resourceName, removed: Boolean(row.removed), sequence: Number(row.sequence) });
      }
      return [...latest.values()];
    },

    /** Drops the log of a deleted collection. */
    async forget(collectionId: string): Promise<void> {
      await changes().deleteMany({ where: { collectionId } });
    },

    /**
     * Removes changes older than the retention; tokens from before them are then refused (valid-sync-token). Plain
     * knex on purpose: it may run right after a write, and must not join that write's (finished) transaction.
     */
    async prune(retentionDays: number, now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - retentionDays * 24 * 60 * 60 * 1000);
      const old = (await strapi.db
        .connection('caldav_sync_changes')
        .where('created_at', '<', cutoff)
        .groupBy('collection_id')
        .select('collection_id')
        .max('sequence as sequence')) as Array<{ collection_id: string; sequence: number }>;
      for (const { collection_id: collectionId, sequence } of old) {
        for (const table of Object.values(tableOf)) {
          await strapi.db.connection(table).where({ document_id: collectionId }).where('sync_floor', '<', sequence).update({ sync_floor: sequence });
        }
      }
      return strapi.db.connection('caldav_sync_changes').where('created_at', '<', cutoff).del();
    },
  };
  return changeLog;
}

export type ChangeLog = ReturnType<typeof createChangeLog>;

/** How often a process prunes the change log as a side effect of writes (the cron job does it too, when enabled). */
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const lastPruned = new WeakMap<Core.Strapi, number>();

/** Prunes at most once an hour per process, after the write that triggered it, without holding it up. */
function schedulePrune(strapi: Core.Strapi, log: Pick<ChangeLog, 'prune'>): void {
  if (Date.now() - (lastPruned.get(strapi) ?? 0) < PRUNE_EVERY_MS) return;
  lastPruned.set(strapi, Date.now());
  const { syncRetentionDays } = strapi.config.get('plugin::caldav') as { syncRetentionDays: number };
  setImmediate(() => {
    log.prune(syncRetentionDays).catch((error: unknown) => strapi.log.warn(`caldav: pruning the sync log failed: ${String(error)}`));
  });
}

/** A deadlock or serialization failure: the database gave up on this transaction at once, for another's sake. */
const conflictCodes = new Set(['ER_LOCK_DEADLOCK', '40P01', '40001', 'SQLITE_BUSY_SNAPSHOT']);
/**
 * Lock waits that end in an error once a timeout has passed (SQLite's busy timeout, MySQL's lock wait timeout).
 * Tried again only when the error came back quickly (a lock conflict SQLite resolves by refusing at once): after the
 * full wait, another connection holds the database, and waiting as long again would only hold the client up longer.
 */
const waitCodes = new Set(['ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY']);
const QUICK_FAILURE_MS = 1000;

/** Whether a database error means "try the whole transaction again". */
function isTransient(error: unknown, elapsedMs: number): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return conflictCodes.has(code) || (waitCodes.has(code) && elapsedMs < QUICK_FAILURE_MS);
}

/** Runs a write transaction, again (up to 3 times) when the database chose it as a deadlock victim. */
export async function withRetries<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const started = Date.now();
    try {
      return await write();
    } catch (error) {
      if (attempt >= 3 || !isTransient(error, Date.now() - started)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}
