import type { Core } from '@strapi/strapi';

import { createChangeLog, type CollectionType, type MemberChange } from '../store/change-log';
import { ADDRESS_BOOK_UID, CALENDAR_UID, CONTACT_UID, EVENT_UID } from '../uids';

interface Tracked {
  relation: string;
  collection: CollectionType;
}

const trackedMembers: Record<string, Tracked> = {
  [EVENT_UID]: { relation: 'calendar', collection: CALENDAR_UID },
  [CONTACT_UID]: { relation: 'addressBook', collection: ADDRESS_BOOK_UID },
};

const memberActions = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft']);

/** Where a member is, as clients see it: its published version's collection, name and etag. */
interface Visible {
  collectionId: string;
  name: string;
  etag: string | null;
}

/**
 * Every write to events and contacts, whatever its source (a DAV client, the Content Manager, the REST or GraphQL
 * API, a service call, publishing, unpublishing, a move to another collection), compares what clients could see
 * before and after it and appends the difference to the change log, in the write's own transaction.
 */
export function registerChangeTracking(strapi: Core.Strapi): void {
  const log = createChangeLog(strapi);

  async function visible(uid: string, tracked: Tracked, documentId: string): Promise<Visible | null> {
    const row = (await strapi.db.query(uid as never).findOne({
      select: ['resourceName', 'etag'],
      where: { documentId, publishedAt: { $notNull: true } },
      populate: { [tracked.relation]: { select: ['documentId'] } },
    })) as (Record<string, unknown> & { resourceName: string | null; etag: string | null }) | null;
    const collection = row?.[tracked.relation] as { documentId: string } | null | undefined;
    if (!row?.resourceName || !collection) return null;
    return { collectionId: collection.documentId, name: row.resourceName, etag: row.etag };
  }

  strapi.documents.use(async (context, next) => {
    const tracked = trackedMembers[context.uid];
    const isCollectionDelete = (context.uid === CALENDAR_UID || context.uid === ADDRESS_BOOK_UID) && context.action === 'delete';
    if (isCollectionDelete) {
      const result = await next();
      const documentId = (context.params as { documentId?: string }).documentId;
      if (documentId) await log.forget(documentId);
      return result;
    }
    if (!tracked || !memberActions.has(context.action)) return next();

    return strapi.db.transaction(async () => {
      const givenId = (context.params as { documentId?: string }).documentId;
      const before = givenId ? await visible(context.uid, tracked, givenId) : null;
      const result = await next();
      const documentId = givenId ?? (result as { documentId?: string } | null)?.documentId;
      const after = documentId ? await visible(context.uid, tracked, documentId) : null;

      const changes = new Map<string, MemberChange[]>();
      const add = (collectionId: string, change: MemberChange) => changes.set(collectionId, [...(changes.get(collectionId) ?? []), change]);
      const moved = before && after && (before.collectionId !== after.collectionId || before.name !== after.name);
      if (before && (!after || moved)) add(before.collectionId, { name: before.name, removed: true });
      if (after && (!before || moved || before.etag !== after.etag)) add(after.collectionId, { name: after.name, removed: false });
      for (const [collectionId, entries] of changes) await log.record(tracked.collection, collectionId, entries);
      return result;
    });
  });
}
