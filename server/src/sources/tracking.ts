import type { Core } from '@strapi/strapi';

import { createChangeLog } from '../store/change-log';
import { SOURCE_STATE_UID } from '../uids';
import type { SourceCollection, SourceMember, SourceRegistry } from './registry';
import type { ContentSource } from './types';

const entryActions = new Set(['create', 'update', 'delete', 'publish', 'unpublish', 'discardDraft']);

type Places = Map<string, { collection: SourceCollection; member: SourceMember }>;

/**
 * Every write to an entry of a source's collection type (the Content Manager, the REST or GraphQL API, a service),
 * in its own transaction: where clients see the entry before and after it (which collections, by group and locale,
 * and what text) is compared, and the difference goes to those collections' change logs. An edit that does not
 * change what clients see (a field the mapping does not read) is no change for them.
 */
export function registerSourceTracking(strapi: Core.Strapi, registry: SourceRegistry): void {
  const log = createChangeLog(strapi);
  const sourcesOf = new Map<string, ContentSource[]>();
  for (const source of registry.sources) sourcesOf.set(source.contentType, [...(sourcesOf.get(source.contentType) ?? []), source]);
  if (sourcesOf.size === 0) return;

  async function placesOf(sources: ContentSource[], documentId: string): Promise<Places> {
    const places: Places = new Map();
    for (const source of sources) for (const [key, place] of await registry.placesOf(source, documentId)) places.set(key, place);
    return places;
  }

  strapi.documents.use(async (context, next) => {
    const sources = sourcesOf.get(context.uid);
    if (!sources || !entryActions.has(context.action)) return next();
    return strapi.db.transaction(async () => {
      const givenId = (context.params as { documentId?: string }).documentId;
      const before = givenId ? await placesOf(sources, givenId) : new Map();
      const result = await next();
      const documentId = givenId ?? (result as { documentId?: string } | null)?.documentId;
      const after: Places = documentId ? await placesOf(sources, documentId) : new Map();
      for (const key of new Set([...before.keys(), ...after.keys()])) {
        const was = before.get(key);
        const is = after.get(key);
        const changes = [];
        if (was && !is) changes.push({ name: was.member.name, removed: true });
        if (is && (!was || was.member.etag !== is.member.etag)) changes.push({ name: is.member.name, removed: false });
        if (changes.length === 0) continue;
        await registry.ensureState((is ?? was)!.collection);
        await log.record(SOURCE_STATE_UID, key, changes);
      }
      return result;
    });
  });
}
