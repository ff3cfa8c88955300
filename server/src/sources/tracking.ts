import type { Core } from '@strapi/strapi';

import { createChangeLog, type MemberChange } from '../store/change-log';
import { SOURCE_STATE_UID } from '../uids';
import type { ContentModel } from './mapping';
import type { SourceCollection, SourceMember, SourceRegistry } from './registry';
import type { ContentSource } from './types';

const entryActions = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft']);

/** Where entries are members: `<collection key>/<member name>` -> the collection and the member. */
type Places = Map<string, { collection: SourceCollection; member: SourceMember }>;

/** The relations a source's mapping reads through (`room.name`): the related type and the source's attribute. */
function relationsOf(source: ContentSource, getModel: (uid: string) => ContentModel | undefined): Array<{ target: string; attribute: string }> {
  const model = getModel(source.contentType);
  const paths = [...Object.entries(source.fields).filter(([key]) => key !== 'url').map(([, path]) => path), ...(source.kind === 'calendar' && source.groupBy ? [source.groupBy] : [])];
  const found: Array<{ target: string; attribute: string }> = [];
  for (const path of paths) {
    if (typeof path !== 'string' || !path.includes('.')) continue;
    const attribute = path.split('.')[0];
    const target = model?.attributes[attribute]?.target;
    if (target && !found.some((relation) => relation.attribute === attribute)) found.push({ target, attribute });
  }
  return found;
}

/**
 * Every write to an entry of a source's collection type (the Content Manager, the REST or GraphQL API, a service),
 * or to an entry its mapping reads through a relation (renaming a room changes the location of its sessions), in
 * the write's own transaction: where clients see the affected entries before and after it (which collections, by
 * group and locale, and what text) is compared, and the difference goes to those collections' change logs. An edit
 * that does not change what clients see (a field the mapping does not read) is no change for them.
 */
export function registerSourceTracking(strapi: Core.Strapi, current: () => SourceRegistry): void {
  const log = createChangeLog(strapi);
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as ContentModel | undefined;

  async function placesOf(registry: SourceRegistry, affected: Array<{ source: ContentSource; documentIds: string[] }>): Promise<Places> {
    const places: Places = new Map();
    for (const { source, documentIds } of affected) {
      for (const documentId of documentIds) {
        for (const [key, place] of await registry.placesOf(source, documentId)) places.set(`${key}/${place.member.name}`, place);
      }
    }
    return places;
  }

  /** The source entries that relate to a related entry. */
  async function referencing(source: ContentSource, attribute: string, relatedId: string): Promise<string[]> {
    const rows = (await strapi.db.query(source.contentType as never).findMany({
      select: ['documentId'],
      where: { [attribute]: { documentId: relatedId } },
    })) as Array<{ documentId: string }>;
    return [...new Set(rows.map((row) => row.documentId))];
  }

  strapi.documents.use(async (context, next) => {
    if (!entryActions.has(context.action)) return next();
    // The sources in force now: the settings page may change them while the site runs.
    const registry = current();
    const own = registry.sources.filter((source) => source.contentType === context.uid);
    const through = registry.sources.flatMap((source) =>
      relationsOf(source, getModel)
        .filter((relation) => relation.target === context.uid)
        .map((relation) => ({ source, attribute: relation.attribute })),
    );
    if (own.length === 0 && through.length === 0) return next();

    return strapi.db.transaction(async () => {
      const givenId = (context.params as { documentId?: string }).documentId;
      const affectedBefore = async (documentId: string) => [
        ...own.map((source) => ({ source, documentIds: [documentId] })),
        ...(await Promise.all(through.map(async ({ source, attribute }) => ({ source, documentIds: await referencing(source, attribute, documentId) })))),
      ];
      const earlier = givenId ? await affectedBefore(givenId) : [];
      const before = await placesOf(registry, earlier);
      const result = await next();
      const documentId = givenId ?? (result as { documentId?: string } | null)?.documentId;
      const later = documentId ? await affectedBefore(documentId) : [];
      // Entries that referred to a deleted related entry no longer do: they are looked at again all the same.
      const after = await placesOf(registry, [...later, ...earlier.filter(({ source }) => !own.includes(source))]);

      const changes = new Map<string, { collection: SourceCollection; entries: MemberChange[] }>();
      const add = (collection: SourceCollection, change: MemberChange) => {
        const entry = changes.get(collection.key) ?? { collection, entries: [] };
        entry.entries.push(change);
        changes.set(collection.key, entry);
      };
      for (const place of new Set([...before.keys(), ...after.keys()])) {
        const was = before.get(place);
        const is = after.get(place);
        if (was && !is) add(was.collection, { name: was.member.name, removed: true });
        if (is && (!was || was.member.etag !== is.member.etag)) add(is.collection, { name: is.member.name, removed: false });
      }
      for (const [key, { collection, entries }] of changes) {
        await registry.ensureState(collection);
        await log.record(SOURCE_STATE_UID, key, entries);
      }
      return result;
    });
  });
}
