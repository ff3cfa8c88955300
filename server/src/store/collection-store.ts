import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Knex } from 'knex';

import { collectionAccess, createRoleLookup, type ShareAccess } from '../auth/access';
import { toPrincipal } from '../auth/principals';
import type { CollectionAccess, CollectionChanges, CollectionInfo, MemberInfo, MemberStore, PersonalProperties, Principal, StoredMember } from '../dav/backend';
import { DavError } from '../dav/errors';
import { NS } from '../dav/model';
import { syncToken } from '../dav/sync-token';
import { ROLE_UID, SHARE_UID, USER_UID } from '../uids';
import { createChangeLog, withRetries, type CollectionType } from './change-log';
import { compiledSelect, createSchema, dateOf, jsonOf, tables, type Tables } from './sql';

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

export interface MemberRow {
  id: number;
  documentId: string;
  resourceName: string;
  etag: string | null;
  size: number | null;
  updatedAt: unknown;
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

export const asDate = dateOf;

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
const jsonFields = new Set(['deadProperties', 'personalProperties', 'components']);

interface ShareRow {
  collectionId: number;
  access: ShareAccess;
  userId: number | null;
  username: string | null;
  roleId: number | null;
  roleType: string | null;
}

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
  const collectionFields = ['id', 'documentId', 'name', 'slug', 'description', 'deadProperties', 'personalProperties', 'updatedAt', 'syncSequence', 'syncFloor', ...kind.extraFields];
  const changeLog = createChangeLog(strapi);
  const roleOf = createRoleLookup(strapi);

  // Table and column names, from Strapi's metadata once it is loaded.
  let resolvedNames: ReturnType<typeof resolveNames> | null = null;
  function resolveNames() {
    const schema = createSchema(strapi);
    const columns = (uid: string, alias: string, fields: string[]) =>
      Object.fromEntries(fields.map((field) => [field, `${alias}.${schema.column(uid, field)}`]));
    return {
      collections: schema.table(kind.collectionUid),
      members: schema.table(kind.memberUid),
      users: schema.table(USER_UID),
      roles: schema.table(ROLE_UID),
      shares: schema.table(SHARE_UID),
      memberLink: schema.link(kind.memberUid, kind.relation),
      ownerLink: schema.link(kind.collectionUid, 'owner'),
      shareCollectionLink: schema.link(SHARE_UID, kind.relation),
      shareUserLink: schema.link(SHARE_UID, 'user'),
      shareRoleLink: schema.link(SHARE_UID, 'role'),
      collectionColumns: columns(kind.collectionUid, 'c', collectionFields),
      ownerColumns: {
        ownerId: 'u.id',
        ownerDocumentId: `u.${schema.column(USER_UID, 'documentId')}`,
        ownerUsername: `u.${schema.column(USER_UID, 'username')}`,
        ownerEmail: `u.${schema.column(USER_UID, 'email')}`,
      },
      memberColumns: columns(kind.memberUid, 'm', memberFields),
      memberText: `m.${schema.column(kind.memberUid, kind.textField)}`,
      memberName: `m.${schema.column(kind.memberUid, 'resourceName')}`,
      memberUid: `m.${schema.column(kind.memberUid, 'uid')}`,
      memberPublishedAt: `m.${schema.column(kind.memberUid, 'publishedAt')}`,
      collectionDocumentId: `c.${schema.column(kind.collectionUid, 'documentId')}`,
      column: (field: string) => schema.column(kind.collectionUid, field),
      memberColumn: (field: string) => schema.column(kind.memberUid, field),
      userColumn: (field: string) => schema.column(USER_UID, field),
      roleType: `r.${schema.column(ROLE_UID, 'type')}`,
      shareAccess: `s.${schema.column(SHARE_UID, 'access')}`,
    };
  }
  const names = () => (resolvedNames ??= resolveNames());

  /** Collection rows (with their owner) as attribute-named rows, JSON fields parsed; shares not read yet. */
  function collectionsFrom(raw: Array<Record<string, unknown>>): CollectionRow[] {
    return raw.map((row) => {
      const collection: CollectionRow = { ...(row as unknown as CollectionRow) };
      for (const field of jsonFields) if (field in collection) collection[field] = jsonOf(collection[field]);
      collection.owner =
        row.ownerId === null || row.ownerId === undefined
          ? null
          : { id: Number(row.ownerId), documentId: String(row.ownerDocumentId), username: String(row.ownerUsername), email: (row.ownerEmail as string | null) ?? null };
      return collection;
    });
  }

  function withOwner(query: Knex.QueryBuilder): Knex.QueryBuilder {
    const n = names();
    return query
      .leftJoin(`${n.ownerLink.table} as ol`, `ol.${n.ownerLink.from}`, 'c.id')
      .leftJoin(`${n.users} as u`, 'u.id', `ol.${n.ownerLink.to}`)
      .select({ ...n.collectionColumns, ...n.ownerColumns });
  }

  /** Reads the shares of collection rows, for all of them in one query, into the rows. */
  async function attachShares(rows: CollectionRow[]): Promise<void> {
    if (rows.length === 0) return;
    const n = names();
    const link = n.shareCollectionLink;
    const table = await tables(strapi);
    const shares = (await table(`${link.table} as sl`)
      .join(`${n.shares} as s`, 's.id', `sl.${link.from}`)
      .leftJoin(`${n.shareUserLink.table} as su`, `su.${n.shareUserLink.from}`, 's.id')
      .leftJoin(`${n.users} as uu`, 'uu.id', `su.${n.shareUserLink.to}`)
      .leftJoin(`${n.shareRoleLink.table} as sr`, `sr.${n.shareRoleLink.from}`, 's.id')
      .leftJoin(`${n.roles} as r`, 'r.id', `sr.${n.shareRoleLink.to}`)
      .whereIn(`sl.${link.to}`, rows.map((row) => Number(row.id)))
      .orderBy('s.id')
      .select({
        collectionId: `sl.${link.to}`,
        access: n.shareAccess,
        userId: 'uu.id',
        username: `uu.${n.userColumn('username')}`,
        roleId: 'r.id',
        roleType: n.roleType,
      })) as ShareRow[];
    const byCollection = new Map<number, NonNullable<CollectionRow['shares']>>();
    for (const share of shares) {
      const list = byCollection.get(Number(share.collectionId)) ?? [];
      list.push({
        access: share.access,
        user: share.userId === null ? null : { id: Number(share.userId), username: String(share.username) },
        role: share.roleId === null ? null : { id: Number(share.roleId), type: String(share.roleType) },
      });
      byCollection.set(Number(share.collectionId), list);
    }
    for (const row of rows) row.shares = byCollection.get(Number(row.id)) ?? [];
  }

  /**
   * Collections with their owner, in one query; their shares in a second one when `withShares` (otherwise they are
   * read when needed: an owner's requests rarely need them). Two small queries rather than one join of all the
   * tables: on PostgreSQL, a join that wide gets a cost estimate that makes it compile the query (JIT) each time.
   */
  async function collectionRows(refine: (query: Knex.QueryBuilder) => Knex.QueryBuilder, withShares: boolean): Promise<CollectionRow[]> {
    const table = await tables(strapi);
    const rows = collectionsFrom((await refine(withOwner(table(`${names().collections} as c`)))) as Array<Record<string, unknown>>);
    if (withShares) await attachShares(rows);
    return rows;
  }

  /** The one collection a column value names, with its owner. */
  async function collectionWhere(column: string, value: string): Promise<CollectionRow | null> {
    const [row] = await collectionRows((query) => query.where(column, value).limit(1), false);
    return row ?? null;
  }

  // The collection a URL names, with its owner: on every request.
  const collectionRowBySlug = compiledSelect<Record<string, unknown>>(strapi, (table, parameter) =>
    withOwner(table(`${names().collections} as c`)).where(`c.${names().column('slug')}`, parameter(0)).limit(1),
  );

  /** Where the member's columns go in a row that also holds its collection's: `member` + the field, capitalized. */
  const memberAlias = (field: string) => `member${field[0].toUpperCase()}${field.slice(1)}`;

  // The collection a member's URL names, with its owner and that member (published, of this collection), in one
  // statement: on every GET, PUT and DELETE of a member. The member is found by its name's index, then its link.
  const collectionAndMemberBySlug = compiledSelect<Record<string, unknown>>(strapi, (table, parameter) => {
    const n = names();
    const memberOfCollection = table(`${n.memberLink.table} as ml`).where(`ml.${n.memberLink.from}`, table.ref('m.id')).select(`ml.${n.memberLink.to}`).limit(1);
    const memberColumns = Object.fromEntries(Object.entries({ ...n.memberColumns, [kind.textField]: n.memberText }).map(([field, column]) => [memberAlias(field), column]));
    return withOwner(table(`${n.collections} as c`))
      .leftJoin(`${n.members} as m`, (join) => {
        join
          .on(n.memberName, '=', table.raw('?', [parameter(1)]))
          .andOnNotNull(n.memberPublishedAt)
          .andOn(table.raw('(?) = ??', [memberOfCollection, 'c.id']));
      })
      .where(`c.${n.column('slug')}`, parameter(0))
      .select(memberColumns)
      .limit(1);
  });

  async function collectionBySlug(slug: string): Promise<CollectionRow | null> {
    const [row] = collectionsFrom(await collectionRowBySlug(slug));
    return row ?? null;
  }

  async function accessOf(row: CollectionRow, viewer: Principal | null): Promise<CollectionAccess | null> {
    // Shares decide only for a signed-in user who is not the owner.
    if (!row.shares && viewer !== null && row.owner?.id !== viewer.id) await attachShares([row]);
    const shares = row.shares ?? [];
    // The role is looked up only when a share through a role could decide.
    const needsRole = viewer !== null && row.owner?.id !== viewer.id && shares.some((share) => share.role);
    return collectionAccess(viewer ? { id: viewer.id, roleId: needsRole ? await roleOf(viewer.id) : null } : null, {
      ownerId: row.owner?.id ?? null,
      isPublic: row.visibility === 'public',
      shares: shares.map((share) => ({ userId: share.user?.id ?? null, roleId: share.role?.id ?? null, access: share.access })),
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

  function toInfo(row: CollectionRow, access: CollectionAccess, viewer: Principal | null): Info {
    const syncSequence = Number(row.syncSequence ?? 0);
    const isSharee = access === 'read' || access === 'read-write';
    return describe(row, {
      personal: isSharee && viewer ? personalOf(row.personalProperties, viewer.id) : null,
      owner: row.owner ? toPrincipal(row.owner) : null,
      access,
      isPublic: row.visibility === 'public',
      shares: async () => {
        if (!row.shares) await attachShares([row]);
        const shares = row.shares ?? [];
        return {
          users: shares.flatMap((share) => (share.user ? [{ username: share.user.username, access: share.access }] : [])),
          groups: shares.flatMap((share) => (share.role ? [{ role: share.role.type, access: share.access }] : [])),
        };
      },
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
    size: row.size === null || row.size === undefined ? Buffer.byteLength(String(row[kind.textField] ?? '')) : Number(row.size),
    lastModified: asDate(row.updatedAt),
  });
  const toStoredMember = (row: MemberRow): StoredMember => ({ ...toMemberInfo(row), data: String(row[kind.textField] ?? '') });

  /**
   * The documentId of the collection of member row `m`, as a subquery evaluated for each row that the query's own
   * index finds (an event has one calendar). Written as EXISTS or a join, PostgreSQL reads the whole collection's
   * links into a hash first, and SQLite may start from the collection: both cost what the collection holds.
   */
  function collectionOfMember(table: Tables): Knex.QueryBuilder {
    const n = names();
    const collectionOf = table(`${n.memberLink.table} as l`)
      .join(`${n.collections} as c`, 'c.id', `l.${n.memberLink.to}`)
      .where(`l.${n.memberLink.from}`, table.ref('m.id'))
      .select(n.collectionDocumentId)
      .limit(1);
    return collectionOf;
  }

  /**
   * The published members of a collection (what clients see), narrowed by `refine`. `keyed` says that `refine`
   * picks members by an indexed key (name, UID): the query then starts from those rows and checks their collection,
   * instead of walking the whole collection (which is what a planner without statistics may choose otherwise).
   */
  async function memberRows(
    collectionId: string,
    withText: boolean,
    refine: (query: Knex.QueryBuilder) => Knex.QueryBuilder = (query) => query,
    keyed = false,
  ): Promise<MemberRow[]> {
    return (await refine(memberQuery(await tables(strapi), collectionId, withText, keyed))) as MemberRow[];
  }

  function memberQuery(table: Tables, collectionId: string, withText: boolean, keyed: boolean): Knex.QueryBuilder {
    const n = names();
    const columns = withText ? { ...n.memberColumns, [kind.textField]: n.memberText } : n.memberColumns;
    const query = keyed
      ? table(`${n.members} as m`).whereRaw('(?) = ?', [collectionOfMember(table), collectionId])
      : table(`${n.members} as m`)
          .join(`${n.memberLink.table} as l`, `l.${n.memberLink.from}`, 'm.id')
          .join(`${n.collections} as c`, 'c.id', `l.${n.memberLink.to}`)
          .where(n.collectionDocumentId, collectionId);
    return query.whereNotNull(n.memberPublishedAt).select(columns);
  }

  // The member a URL names, without and with its text: on every GET, PUT and DELETE of one.
  const memberByName = [false, true].map((withText) =>
    compiledSelect<MemberRow>(strapi, (table, parameter) => memberQuery(table, parameter(0), withText, true).where(names().memberName, parameter(1)).limit(1)),
  );

  // Members named in a request (multiget, sync), on PostgreSQL: the names as one array value, so that the statement
  // has one text whatever their number and stays prepared.
  const membersByNames = compiledSelect<MemberRow>(strapi, (table, parameter) =>
    memberQuery(table, parameter(0), true, true).whereRaw('?? = any(?)', [names().memberName, parameter(1)]),
  );
  // SQLite: the names as one JSON array, so that the statement's text (prepared once) is the same for any number.
  const membersByJsonNames = compiledSelect<MemberRow>(strapi, (table, parameter) =>
    memberQuery(table, parameter(0), true, true).whereRaw('?? in (select value from json_each(?))', [names().memberName, parameter(1)]),
  );

  async function memberRow(collection: CollectionInfo, name: string, withText: boolean): Promise<MemberRow | null> {
    const [row] = await memberByName[withText ? 1 : 0](collection.documentId, name);
    return row ?? null;
  }

  /** Past this many names, a collection's members are read whole and picked out, rather than named in SQL. */
  const MAX_NAMES_IN_QUERY = 500;

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
      return (await memberRows(collection.documentId, false, (query) => query.orderBy(names().memberName))).map(toMemberInfo);
    },
    async getObjects(collection, requested) {
      if (requested.length === 0) return [];
      if (requested.length <= MAX_NAMES_IN_QUERY) {
        const client = strapi.db.dialect.client;
        if (client === 'postgres') return (await membersByNames(collection.documentId, [...new Set(requested)])).map(toStoredMember);
        if (client === 'sqlite') return (await membersByJsonNames(collection.documentId, JSON.stringify([...new Set(requested)]))).map(toStoredMember);
        return (await memberRows(collection.documentId, true, (query) => query.whereIn(names().memberName, [...new Set(requested)]), true)).map(toStoredMember);
      }
      const wanted = new Set(requested);
      return (await memberRows(collection.documentId, true)).filter((row) => wanted.has(row.resourceName)).map(toStoredMember);
    },
    async findObject(collection, name) {
      const row = await memberRow(collection, name, true);
      return row ? toStoredMember(row) : null;
    },
    async findObjectNameByUid(collection, uid) {
      const n = names();
      const table = await tables(strapi);
      // Drafts count too: a UID belongs to one object of the collection, published or not.
      const row = (await table(`${n.members} as m`)
        .where(n.memberUid, uid)
        .whereRaw('(?) = ?', [collectionOfMember(table), collection.documentId])
        .first({ resourceName: n.memberName })) as { resourceName: string } | undefined;
      return row?.resourceName ?? null;
    },
    changedSince: (collection, since, until) => changeLog.changedSince(collection.documentId, since, until),
    async deleteObject(collection, name, condition) {
      await writeTransaction([collection.documentId], async () => {
        const existing = await memberRow(collection, name, false);
        if (condition && !condition(existing ? existing.etag ?? '' : null)) throw new DavError(412, 'It has changed since you read it.');
        if (existing) await strapi.documents(kind.memberUid as never).delete({ documentId: existing.documentId });
      });
    },
  };

  const orderColumns = (orderBy: Array<Record<string, 'asc' | 'desc'>>) =>
    orderBy.flatMap((entry) => Object.entries(entry).map(([field, order]) => ({ column: `c.${names().column(field)}`, order })));

  return {
    members: memberStore,
    writeTransaction,
    memberRow,
    memberRows,
    toStoredMember,
    names,

    /** The user's own collections, then those shared with them (by name or through their role). */
    async listOf(user: Principal, orderBy: Array<Record<string, 'asc' | 'desc'>>): Promise<Info[]> {
      const n = names();
      const order = orderColumns(orderBy);
      const owned = await collectionRows((query) => query.where('u.id', user.id).orderBy(order), true);
      const roleId = await roleOf(user.id);
      const table = await tables(strapi);
      const link = n.shareCollectionLink;
      const sharedIds = table(`${link.table} as sl`)
        .leftJoin(`${n.shareUserLink.table} as su`, `su.${n.shareUserLink.from}`, `sl.${link.from}`)
        .leftJoin(`${n.shareRoleLink.table} as sr`, `sr.${n.shareRoleLink.from}`, `sl.${link.from}`)
        .where((match) => {
          match.where(`su.${n.shareUserLink.to}`, user.id);
          if (roleId !== null) match.orWhere(`sr.${n.shareRoleLink.to}`, roleId);
        })
        .select(`sl.${link.to}`);
      const shared = await collectionRows((query) => query.whereIn('c.id', sharedIds).orderBy(order), true);
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

    /** The collection with this slug, if the viewer may access it, and its member of this name (null: none). */
    async findWithMember(slug: string, viewer: Principal | null, name: string): Promise<{ collection: Info; member: StoredMember | null } | null> {
      const [raw] = await collectionAndMemberBySlug(slug, name);
      if (!raw) return null;
      const collectionFields: Record<string, unknown> = {};
      const member: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(raw)) {
        if (/^member[A-Z]/.test(key)) member[key.slice(6, 7).toLowerCase() + key.slice(7)] = value;
        else collectionFields[key] = value;
      }
      const [row] = collectionsFrom([collectionFields]);
      const access = await accessOf(row, viewer);
      if (!access) return null;
      return { collection: toInfo(row, access, viewer), member: member.id === null || member.id === undefined ? null : toStoredMember(member as MemberRow) };
    },

    /** The collection with this slug, if the viewer may access it. */
    async findOf(slug: string, viewer: Principal | null): Promise<Info | null> {
      const row = await collectionBySlug(slug);
      if (!row) return null;
      const access = await accessOf(row, viewer);
      return access ? toInfo(row, access, viewer) : null;
    },

    async create(owner: Principal, slug: string, changes: CollectionChanges, extra: Record<string, unknown>): Promise<Info> {
      const taken = () => new DavError(409, `The name "${slug}" is already in use on this site; choose another.`);
      // The check and the insert in one transaction that first queues on the owner's row: two creations of one name
      // at once (a client sending MKCALENDAR twice) give one collection and one refusal, not two under one URL. The
      // slug has no unique index in the database, and on SQLite the transaction alone serializes them.
      const createdId = await withRetries(() =>
        strapi.db.transaction(async () => {
          const table = await tables(strapi);
          if (strapi.db.dialect.client !== 'sqlite') await table(names().users).where('id', owner.id).forUpdate().first('id');
          const existing = await collectionWhere(`c.${names().column('slug')}`, slug);
          if (existing?.owner?.id === owner.id) throw new DavError(405, 'A collection with this name already exists.', { ns: NS.DAV, name: 'resource-must-be-null' });
          if (existing) throw taken();
          try {
            const created = (await strapi.documents(kind.collectionUid as never).create({
              data: { ...commonData(changes), ...extra, name: changes.displayName ?? slug, slug, owner: owner.documentId } as never,
            })) as unknown as { documentId: string };
            return created.documentId;
          } catch (error) {
            // Another user's collection of that name committed meanwhile: Strapi's unique check saw it.
            if (error instanceof errors.ValidationError && /unique/i.test(error.message)) throw taken();
            throw error;
          }
        }) as unknown as Promise<string>,
      );
      const row = await collectionWhere(names().collectionDocumentId, createdId);
      if (!row) throw new Error('caldav: a collection just created cannot be read back');
      return toInfo(row, 'owner', owner);
    },

    async update(collection: Info, changes: CollectionChanges, extra: Record<string, unknown>): Promise<void> {
      // Like a member's write, it queues on the collection's row first (and is tried again as a deadlock victim):
      // otherwise MySQL can deadlock it against the member writes that bump the collection's sync counter.
      await writeTransaction([collection.documentId], async () => {
        await strapi.documents(kind.collectionUid as never).update({
          documentId: collection.documentId,
          data: { ...commonData(changes, collection), ...extra } as never,
        });
      });
    },

    /** Merges a sharee's own name, color or order into the collection's personal properties (null removes one). */
    async updatePersonal(collection: Info, viewer: Principal, changes: { displayName?: string | null; color?: string | null; order?: number | null }): Promise<void> {
      const collections = () => strapi.db.query(kind.collectionUid as never);
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
      const members = () => strapi.db.query(kind.memberUid as never);
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
