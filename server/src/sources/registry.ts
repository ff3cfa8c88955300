/**
 * The calendars and address books the configured content sources make, and the entries in each. A source splits
 * into one collection per group value (`groupBy`) and per locale (a localized type without `filter.locale`); each
 * has a slug (`talks`, `talks-keynotes`, `talks-keynotes-fr`) and a key that names its sync log and state row.
 */
import { createHash } from 'node:crypto';

import { etagOf } from '../store/event-data';

import type { Core } from '@strapi/strapi';

import { SOURCE_STATE_UID } from '../uids';
import { photoAsDataUri } from '../store/contact-photos';
import { eventTextOf, contactTextOf, groupsOf, INLINE_PHOTO, sourcePopulate, sourceUid, type ContentModel, type SourceEntry } from './mapping';
import type { ContentSource } from './types';

export interface SourceCollection {
  /** The key of its sync log and state row (no ":", at most 64 characters). */
  key: string;
  slug: string;
  name: string;
  source: ContentSource;
  /** The group it holds (groupBy), or null for a source without groups. */
  group: string | null;
  /** The locale it holds, or null for a type without i18n or a source fixed to one locale. */
  locale: string | null;
}

/** One entry as a member of a collection: its resource name, stored-text equivalent and etag. */
export interface SourceMember {
  name: string;
  documentId: string;
  text: string;
  etag: string;
  lastModified: Date;
}

const collectionKey = (kind: string, slug: string): string => `src-${createHash('sha256').update(`${kind}\u0000${slug}`).digest('base64url').slice(0, 24)}`;

/** The etag of generated text (unquoted, as the DAV layer takes them): it changes exactly when the text does. */
export const sourceEtag = (text: string): string => etagOf(text);

/** A contact's photo is a small rendition inlined in the vCard, as for the plugin's own contacts. */
const MAX_INLINE_PHOTO_BYTES = 256 * 1024;
const MAX_REMEMBERED_PHOTOS = 500;

const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

export function createSourceRegistry(strapi: Core.Strapi, sources: ContentSource[]) {
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as ContentModel | undefined;
  const siteOrigin = (): string => {
    const url = strapi.config.get('server.url');
    return typeof url === 'string' && /^https?:\/\//.test(url) ? url.replace(/\/+$/, '') : '';
  };

  async function localesOf(source: ContentSource): Promise<Array<string | null>> {
    const model = getModel(source.contentType);
    if (!model?.pluginOptions?.i18n?.localized || source.filter?.locale) return [null];
    const i18n = strapi.plugin('i18n');
    const locales = i18n ? ((await i18n.service('locales').find()) as Array<{ code: string }>) : [];
    return locales.length > 0 ? locales.map((locale) => locale.code) : [null];
  }

  /** Every group value the source can have: an enumeration's values, else the values the entries hold now. */
  async function groupsOfSource(source: ContentSource): Promise<Array<{ key: string; name: string } | null>> {
    if (source.kind !== 'calendar' || !source.groupBy) return [null];
    const model = getModel(source.contentType);
    const [attributeName, relatedName] = source.groupBy.split('.');
    const attribute = model?.attributes[attributeName];
    const found = new Map<string, { key: string; name: string }>();
    const add = (entry: Record<string, unknown>) => {
      for (const group of groupsOf({ documentId: '', updatedAt: new Date(0), ...entry }, source)) found.set(group.key, group);
    };
    if (attribute?.type === 'enumeration') {
      for (const value of attribute.enum ?? []) add({ [attributeName]: value });
    } else if (attribute?.type === 'relation' && relatedName && attribute.target) {
      const related = (await strapi.db.query(attribute.target as never).findMany({ select: [relatedName] })) as Array<Record<string, unknown>>;
      for (const row of related) add({ [attributeName]: attribute.relation?.endsWith('Many') ? [row] : row });
    } else {
      const rows = (await strapi.db.query(source.contentType as never).findMany({ select: [attributeName] })) as Array<Record<string, unknown>>;
      for (const row of rows) add(row);
    }
    return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async function collectionsOfSource(source: ContentSource): Promise<SourceCollection[]> {
    const collections: SourceCollection[] = [];
    for (const group of await groupsOfSource(source)) {
      for (const locale of await localesOf(source)) {
        const slug = [source.slug, group?.key, locale?.toLowerCase()].filter((part) => part).join('-');
        const name = `${source.name}${group ? ` – ${group.name}` : ''}${locale ? ` (${locale})` : ''}`;
        collections.push({ key: collectionKey(source.kind, slug), slug, name, source, group: group?.key ?? null, locale });
      }
    }
    return collections;
  }

  /** The entries the source takes, with what the mapping reads (all groups and locales). */
  async function entriesOf(source: ContentSource, where: Record<string, unknown> = {}): Promise<SourceEntry[]> {
    const model = getModel(source.contentType);
    const conditions: Record<string, unknown> = { ...(source.filter?.where ?? {}), ...where };
    if (model?.options?.draftAndPublish) conditions.publishedAt = source.filter?.status === 'draft' ? { $null: true } : { $notNull: true };
    if (source.filter?.locale) conditions.locale = source.filter.locale;
    const entries = (await strapi.db.query(source.contentType as never).findMany({
      where: conditions,
      populate: sourcePopulate(source, getModel),
      orderBy: { documentId: 'asc' },
    })) as SourceEntry[];
    return Promise.all(entries.map((entry) => withInlinePhoto(entry, source)));
  }

  const belongsTo = (entry: SourceEntry, collection: SourceCollection): boolean =>
    (collection.locale === null || entry.locale === collection.locale) &&
    (collection.group === null || (collection.source.kind === 'calendar' && groupsOf(entry, collection.source).some((group) => group.key === collection.group)));

  /** Photos read as data: URIs, by file id and URL (a replaced file has another URL), so each is read once. */
  const photos = new Map<string, string | null>();
  async function withInlinePhoto(entry: SourceEntry, source: ContentSource): Promise<SourceEntry> {
    const attribute = source.kind === 'addressbook' ? source.fields.photo : undefined;
    const value = attribute ? entry[attribute] : undefined;
    const file = Array.isArray(value) ? value[0] : value;
    if (!attribute || typeof file !== 'object' || file === null) return entry;
    const { id, url } = file as { id?: unknown; url?: unknown };
    if (typeof id !== 'number') return entry;
    const cacheKey = `${id}:${String(url)}`;
    if (!photos.has(cacheKey)) {
      if (photos.size >= MAX_REMEMBERED_PHOTOS) photos.delete(photos.keys().next().value as string);
      photos.set(cacheKey, await photoAsDataUri(strapi, id, MAX_INLINE_PHOTO_BYTES));
    }
    const inline = photos.get(cacheKey);
    return inline ? { ...entry, [attribute]: { ...(file as object), [INLINE_PHOTO]: inline } } : entry;
  }

  function memberOf(entry: SourceEntry, collection: SourceCollection): SourceMember | null {
    const source = collection.source;
    const text = source.kind === 'calendar' ? eventTextOf(entry, source, { siteOrigin: siteOrigin(), getModel }) : contactTextOf(entry, source, siteOrigin(), { getModel });
    if (text === null) return null;
    return { name: `${entry.documentId}.${source.kind === 'calendar' ? 'ics' : 'vcf'}`, documentId: entry.documentId, text, etag: sourceEtag(text), lastModified: asDate(entry.updatedAt) };
  }

  return {
    sources,

    /** Every collection of the given kind that the sources make now. */
    async collections(kind: ContentSource['kind']): Promise<SourceCollection[]> {
      const found: SourceCollection[] = [];
      for (const source of sources) if (source.kind === kind) found.push(...(await collectionsOfSource(source)));
      return found;
    },

    async findBySlug(kind: ContentSource['kind'], slug: string): Promise<SourceCollection | null> {
      // Only the sources whose slug can begin this one are expanded.
      for (const source of sources) {
        if (source.kind !== kind || (slug !== source.slug && !slug.startsWith(`${source.slug}-`))) continue;
        const match = (await collectionsOfSource(source)).find((collection) => collection.slug === slug);
        if (match) return match;
      }
      return null;
    },

    isSourceSlug: (slug: string): boolean => sources.some((source) => slug === source.slug || slug.startsWith(`${source.slug}-`)),

    /** The members of a collection, in name order. */
    async members(collection: SourceCollection, documentIds?: string[]): Promise<SourceMember[]> {
      const entries = await entriesOf(collection.source, documentIds ? { documentId: { $in: documentIds } } : {});
      return entries
        .filter((entry) => belongsTo(entry, collection))
        .flatMap((entry) => memberOf(entry, collection) ?? [])
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    /** Where one entry (all its locales) is a member now: collection key -> member. For the change log. */
    async placesOf(source: ContentSource, documentId: string): Promise<Map<string, { collection: SourceCollection; member: SourceMember }>> {
      const places = new Map<string, { collection: SourceCollection; member: SourceMember }>();
      const entries = await entriesOf(source, { documentId });
      if (entries.length === 0) return places;
      for (const collection of await collectionsOfSource(source)) {
        for (const entry of entries) {
          if (!belongsTo(entry, collection)) continue;
          const member = memberOf(entry, collection);
          if (member) places.set(collection.key, { collection, member });
        }
      }
      return places;
    },

    /** The state row of a collection, made on first use (its sync position starts at 0). */
    async ensureState(collection: SourceCollection): Promise<{ sequence: number; floor: number; updatedAt: Date }> {
      const states = () => strapi.db.query(SOURCE_STATE_UID as never);
      let row = (await states().findOne({ where: { documentId: collection.key } })) as
        | { syncSequence: number | string | null; syncFloor: number | string | null; updatedAt: string | Date }
        | null;
      if (!row) {
        row = (await states().create({ data: { documentId: collection.key, slug: collection.slug, syncSequence: 0, syncFloor: 0 } })) as {
          syncSequence: number;
          syncFloor: number;
          updatedAt: string | Date;
        };
      }
      return { sequence: Number(row.syncSequence ?? 0), floor: Number(row.syncFloor ?? 0), updatedAt: asDate(row.updatedAt) };
    },

    uidOf: (entry: SourceEntry, source: ContentSource) => sourceUid(entry, source),
  };
}

export type SourceRegistry = ReturnType<typeof createSourceRegistry>;
