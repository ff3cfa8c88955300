import type { Core } from '@strapi/strapi';

import { collectionAccess, createRoleLookup, type ShareAccess } from '../auth/access';
import { toPrincipal } from '../auth/principals';
import type { CollectionAccess, CollectionChanges, CollectionInfo, MemberInfo, MemberStore, PersonalProperties, Principal, StoredMember } from '../dav/backend';
import { DavError } from '../dav/errors';
import { syncToken } from '../dav/sync-token';
import { createChangeLog, withRetries, type CollectionType } from './change-log';

export interface CollectionRow {
  id: number;
  documentId: string;
  name: string;
  slug: string;
  description: string | null;
  deadProperties: unknown;
  updatedAt: string | Date;
  visibility?: string | null;
  owner?: { id: number; documentId: string; username: string; email: string | null } | null;
  shares?: Array<{ access: ShareAccess; user?: { id: number; username: string } | null; role?: { id: number; type: string } | null }>;
  [field: string]: unknown;
}

interface MemberRow {
  id: number;
  documentId: string;
  resourceName: string;
  etag: string | null;
  size: number | null;
  updatedAt: string | Date;
  [field: string]: unknown;
}

export interface CollectionKind {
  /** Content type of the collection (calendar, address book). */
  collectionUid: string;
  /** Content type of its members (event, contact). */
  memberUid: string;
  /** The member's relation attribute pointing at its collection. */
  relation: string;
  /** The member attribute that holds the raw text (iCalendar, vCard). */
  textField: string;
  /** Collection fields read besides the common ones. */
  extraFields: string[];
}

export const asDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

function deadPropertiesOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The viewer's entry of a collection's personal properties (kept per user id), read defensively: it is JSON. */
function personalOf(value: unknown, userId: number): PersonalProperties | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entry = (value as Record<string, unknown>)[String(userId)];
  if (typeof entry !== 'object' || entry === null) return null;
  const { displayName, color, order } = entry as Record<string, unknown>;
  const personal: PersonalProperties = {
    ...(typeof displayName === 'string' ? { displayName } : {}),
    ...(typeof color === 'string' ? { color } : {}),
    ...(typeof order === 'number' ? { order } : {}),
  };
  return Object.keys(personal).length > 0 ? personal : null;
}

const memberFields = ['id', 'documentId', 'resourceName', 'etag', 'size', 'updatedAt'];

/**
 * What calendars and address books share in storage: collections owned by a user, found by slug, and their members
 * (events, contacts) read from the published rows, the version clients see. Writes go through the document service
 * (so editors, lifecycles and other plugins see them), one transaction each.
 */
export function createCollectionStore<Info extends CollectionInfo>(
  strapi: Core.Strapi,
  kind: CollectionKind,
  describe: (row: CollectionRow, common: CollectionInfo) => Info,
) {
  const collections = () => strapi.db.query(kind.collectionUid as never);
  const members = () => strapi.db.query(kind.memberUid as never);
  const collectionFields = ['id', 'documentId', 'name', 'slug', 'description', 'deadProperties', 'personalProperties', 'updatedAt', 'syncSequence', 'syncFloor', ...kind.extraFields];
  const changeLog = createChangeLog(strapi);
  const roleOf = createRoleLookup(strapi);
  // Who owns each collection and whom it is shared with, read with it: every access decision needs them.
  const accessPopulate = {
    owner: { select: ['id', 'documentId', 'username', 'email'] },
    shares: { select: ['access'], populate: { user: { select: ['id', 'username'] }, role: { select: ['id', 'type'] } } },
  };

  async function accessOf(row: CollectionRow, viewer: Principal | null): Promise<CollectionAccess | null> {
    return collectionAccess(viewer ? { id: viewer.id, roleId: await roleOf(viewer.id) } : null, {
      ownerId: row.owner?.id ?? null,
      isPublic: row.visibility === 'public',
      shares: (row.shares ?? []).map((share) => ({ userId: share.user?.id ?? null, roleId: share.role?.id ?? null, access: share.access })),
    });
  }

  /**
   * One client write: a transaction (tried again if the database picked it as a deadlock victim) that first locks
   * the collections it touches, in a fixed order.
   */
  function writeTransaction<T>(collectionIds: string[], write: () => Promise<T>): Promise<T> {
    return withRetries(
      () =>
        strapi.db.transaction(async () => {
          for (const id of [...new Set(collectionIds)].sort()) await changeLog.lockCollection(kind.collectionUid as CollectionType, id);
          return write();
        }) as Promise<T>,
    );
  }
  const publishedIn = (documentId: string) => ({ publishedAt: { $notNull: true }, [kind.relation]: { documentId } });

  function toInfo(row: CollectionRow, access: CollectionAccess, viewer: Principal | null): Info {
    const syncSequence = Number(row.syncSequence ?? 0);
    const isSharee = access === 'read' || access === 'read-write';
    return describe(row, {
      personal: isSharee && viewer ? personalOf(row.personalProperties, viewer.id) : null,
      owner: row.owner ? toPrincipal(row.owner) : null,
      access,
      isPublic: row.visibility === 'public',
      sharees: (row.shares ?? []).flatMap((share) => (share.user ? [{ username: share.user.username, access: share.access }] : [])),
      sharedGroups: (row.shares ?? []).flatMap((share) => (share.role ? [{ role: share.role.type, access: share.access }] : [])),
      documentId: row.documentId,
      slug: row.slug,
      displayName: row.name,
      description: row.description,
      ctag: syncToken(row.documentId, syncSequence),
      syncSequence,
      syncFloor: Number(row.syncFloor ?? 0),
      lastModified: asDate(row.updatedAt),
      deadProperties: deadPropertiesOf(row.deadProperties),
    });
  }

  const toMemberInfo = (row: MemberRow): MemberInfo => ({
    name: row.resourceName,
    etag: row.etag ?? '',
    size: row.size ?? Buffer.byteLength(String(row[kind.textField] ?? '')),
    lastModified: asDate(row.updatedAt),
  });
  const toStoredMember = (row: MemberRow): StoredMember => ({ ...toMemberInfo(row), data: String(row[kind.textField] ?? '') });

  async function memberRow(collection: CollectionInfo, name: string, withText: boolean): Promise<MemberRow | null> {
    return (await members().findOne({
      select: withText ? [...memberFields, kind.textField] : memberFields,
      where: { ...publishedIn(collection.documentId), resourceName: name },
    })) as MemberRow | null;
  }

  /** The field changes common to both kinds, with dead properties merged into the stored ones. */
  function commonData(changes: CollectionChanges, current?: CollectionInfo): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    if (changes.displayName !== undefined) data.name = changes.displayName ?? current?.slug;
    if (changes.description !== undefined) data.description = changes.description;
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

  const memberStore: MemberStore<Info> = {
    async listObjects(collection) {
      const rows = (await members().findMany({ select: memberFields, where: publishedIn(collection.documentId) })) as MemberRow[];
      return rows.map(toMemberInfo);
    },
    async getObjects(collection, names) {
      if (names.length === 0) return [];
      const rows = (await members().findMany({
        select: [...memberFields, kind.textField],
        where: { ...publishedIn(collection.documentId), resourceName: { $in: names } },
      })) as MemberRow[];
      return rows.map(toStoredMember);
    },
    async findObject(collection, name) {
      const row = await memberRow(collection, name, true);
      return row ? toStoredMember(row) : null;
    },
    async findObjectNameByUid(collection, uid) {
      const row = (await members().findOne({
        select: ['resourceName'],
        where: { uid, [kind.relation]: { documentId: collection.documentId } },
      })) as { resourceName: string } | null;
      return row?.resourceName ?? null;
    },
    changedSince: (collection, since, until) => changeLog.changedSince(collection.documentId, since, until),
    async deleteObject(collection, name) {
      await writeTransaction([collection.documentId], async () => {
        const existing = await memberRow(collection, name, false);
        if (existing) await strapi.documents(kind.memberUid as never).delete({ documentId: existing.documentId });
      });
    },
  };

  return {
    members: memberStore,
    writeTransaction,
    memberRow,
    toStoredMember,
    membersWhere: publishedIn,
    memberFields: [...memberFields, kind.textField],

    /** The user's own collections, then those shared with them (by name or through their role). */
    async listOf(user: Principal, orderBy: Array<Record<string, 'asc' | 'desc'>>): Promise<Info[]> {
      const owned = (await collections().findMany({ select: collectionFields, where: { owner: { id: user.id } }, populate: accessPopulate, orderBy })) as CollectionRow[];
      const roleId = await roleOf(user.id);
      const shareMatch = roleId === null ? { user: { id: user.id } } : { $or: [{ user: { id: user.id } }, { role: { id: roleId } }] };
      const shared = (await collections().findMany({ select: collectionFields, where: { shares: shareMatch }, populate: accessPopulate, orderBy })) as CollectionRow[];
      const infos: Info[] = owned.map((row) => toInfo(row, 'owner', user));
      const seen = new Set(infos.map((info) => info.documentId));
      for (const row of shared) {
        if (seen.has(row.documentId)) continue;
        seen.add(row.documentId);
        const access = await accessOf(row, user);
        if (access === 'read' || access === 'read-write') infos.push(toInfo(row, access, user));
      }
      return infos;
    },

    /** The collection with this slug, if the viewer may access it. */
    async findOf(slug: string, viewer: Principal | null): Promise<Info | null> {
      const row = (await collections().findOne({ select: collectionFields, where: { slug }, populate: accessPopulate })) as CollectionRow | null;
      if (!row) return null;
      const access = await accessOf(row, viewer);
      return access ? toInfo(row, access, viewer) : null;
    },

    async create(owner: Principal, slug: string, changes: CollectionChanges, extra: Record<string, unknown>): Promise<Info> {
      const taken = await collections().findOne({ select: ['id'], where: { slug } });
      if (taken) throw new DavError(409, `The name "${slug}" is already in use on this site; choose another.`);
      const created = (await strapi.documents(kind.collectionUid as never).create({
        data: { ...commonData(changes), ...extra, name: changes.displayName ?? slug, slug, owner: owner.documentId } as never,
      })) as unknown as { documentId: string };
      const row = (await collections().findOne({ select: collectionFields, where: { documentId: created.documentId }, populate: accessPopulate })) as CollectionRow;
      return toInfo(row, 'owner', owner);
    },

    async update(collection: Info, changes: CollectionChanges, extra: Record<string, unknown>): Promise<void> {
      await strapi.documents(kind.collectionUid as never).update({
        documentId: collection.documentId,
        data: { ...commonData(changes, collection), ...extra } as never,
      });
    },

    /** Merges a sharee's own name, color or order into the collection's personal properties (null removes one). */
    async updatePersonal(collection: Info, viewer: Principal, changes: { displayName?: string | null; color?: string | null; order?: number | null }): Promise<void> {
      await writeTransaction([collection.documentId], async () => {
        const row = (await collections().findOne({ select: ['id', 'personalProperties'], where: { documentId: collection.documentId } })) as
          | { id: number; personalProperties: unknown }
          | null;
        if (!row) return;
        const all = typeof row.personalProperties === 'object' && row.personalProperties !== null && !Array.isArray(row.personalProperties)
          ? { ...(row.personalProperties as Record<string, unknown>) }
          : {};
        const entry: Record<string, unknown> = { ...(personalOf(all, viewer.id) ?? {}) };
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) delete entry[key];
          else if (value !== undefined) entry[key] = value;
        }
        if (Object.keys(entry).length > 0) all[String(viewer.id)] = entry;
        else delete all[String(viewer.id)];
        await collections().update({ where: { id: row.id }, data: { personalProperties: all } });
      });
    },

    async deleteWithMembers(collection: Info): Promise<void> {
      await writeTransaction([collection.documentId], async () => {
        const rows = (await members().findMany({ select: ['documentId'], where: { [kind.relation]: { documentId: collection.documentId } } })) as Array<{ documentId: string }>;
        for (const documentId of new Set(rows.map((row) => row.documentId))) {
          await strapi.documents(kind.memberUid as never).delete({ documentId });
        }
        await strapi.documents(kind.collectionUid as never).delete({ documentId: collection.documentId });
      });
    },
  };
}
