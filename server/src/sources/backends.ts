/**
 * The content sources' collections beside the plugin's own, behind the same DAV backend interfaces: calendars and
 * address books made from a site's collection types, listed in their owner's home (and the homes of the roles they
 * are shared with), read-only for everyone, synced through the change log that change tracking feeds.
 */
import type { Core } from '@strapi/strapi';

import { toPrincipal } from '../auth/principals';
import type {
  AddressBookBackend,
  AddressBookInfo,
  CalendarBackend,
  CalendarInfo,
  CollectionAccess,
  CollectionInfo,
  MemberInfo,
  Principal,
  StoredMember,
} from '../dav/backend';
import { DavError } from '../dav/errors';
import { NS } from '../dav/model';
import { syncToken } from '../dav/sync-token';
import { createChangeLog } from '../store/change-log';
import { USER_UID } from '../uids';
import type { SourceCollection, SourceMember, SourceRegistry } from './registry';

const READ_ONLY = () =>
  new DavError(403, "This collection shows the site's own content and is read-only: change the entries in the admin.", { ns: NS.DAV, name: 'need-privileges' });

/** Source collections are told apart from the plugin's own by their key. */
export const isSourceKey = (documentId: string): boolean => documentId.startsWith('src-');

const nameToDocumentId = (name: string): string => name.replace(/\.(ics|vcf)$/, '');

function createSourceAccess(strapi: Core.Strapi) {
  const users = () => strapi.db.query(USER_UID as never);
  return {
    async roleTypeOf(viewer: Principal): Promise<string | null> {
      const row = (await users().findOne({ select: ['id'], where: { id: viewer.id }, populate: { role: { select: ['type'] } } })) as { role?: { type?: string } | null } | null;
      return row?.role?.type ?? null;
    },
    async ownerOf(collection: SourceCollection): Promise<Principal | null> {
      if (!collection.source.owner) return null;
      const user = (await users().findOne({ select: ['id', 'documentId', 'username', 'email'], where: { username: collection.source.owner } })) as Parameters<
        typeof toPrincipal
      >[0] | null;
      return user ? toPrincipal(user) : null;
    },
  };
}

/** The parts the calendar and the address-book side share. */
function createSourceSide<Info extends CollectionInfo>(
  strapi: Core.Strapi,
  current: () => SourceRegistry,
  kind: 'calendar' | 'addressbook',
  infoOf: (collection: SourceCollection, common: CollectionInfo) => Info,
) {
  const access = createSourceAccess(strapi);
  const changeLog = createChangeLog(strapi);

  async function accessFor(collection: SourceCollection, viewer: Principal | null, roleType: () => Promise<string | null>): Promise<CollectionAccess | null> {
    const source = collection.source;
    // Read-only for everyone, the owner included: the entries are edited in the admin.
    if (viewer && source.owner === viewer.username) return 'read';
    if (viewer && source.sharedWithRoles?.length) {
      const role = await roleType();
      if (role && source.sharedWithRoles.includes(role)) return 'read';
    }
    return source.visibility === 'public' ? 'public' : null;
  }

  async function info(collection: SourceCollection, granted: CollectionAccess): Promise<Info> {
    const state = await current().ensureState(collection);
    return infoOf(collection, {
      documentId: collection.key,
      slug: collection.slug,
      displayName: collection.name,
      description: collection.source.description ?? null,
      ctag: syncToken(collection.key, state.sequence),
      syncSequence: state.sequence,
      syncFloor: state.floor,
      lastModified: state.updatedAt,
      deadProperties: {},
      owner: await access.ownerOf(collection),
      access: granted,
      isPublic: collection.source.visibility === 'public',
      // The roles it is shown to, as the ACL and the sharing properties report them.
      shares: async () => ({ users: [], groups: (collection.source.sharedWithRoles ?? []).map((role) => ({ role, access: 'read' as const })) }),
      // Shown under its own name to everyone: it is the site's, not a person's, whoever's home lists it.
      personal: { displayName: collection.name },
    });
  }

  async function collectionOf(info: CollectionInfo): Promise<SourceCollection> {
    const collection = await current().findBySlug(kind, info.slug);
    if (!collection) throw new DavError(404, 'This collection no longer exists.');
    return collection;
  }

  const memberInfo = (member: SourceMember): MemberInfo => ({ name: member.name, etag: member.etag, size: Buffer.byteLength(member.text), lastModified: member.lastModified });
  const stored = (member: SourceMember): StoredMember => ({ ...memberInfo(member), data: member.text });

  return {
    async list(user: Principal): Promise<Info[]> {
      let role: Promise<string | null> | null = null;
      const roleType = () => (role ??= access.roleTypeOf(user));
      const found: Info[] = [];
      for (const collection of await current().collections(kind)) {
        const granted = await accessFor(collection, user, roleType);
        // A home lists what its user owns or has been given, not every public collection of the site.
        if (granted === 'read') found.push(await info(collection, granted));
      }
      return found;
    },
    async find(slug: string, viewer: Principal | null): Promise<Info | null> {
      const collection = await current().findBySlug(kind, slug);
      if (!collection) return null;
      const granted = await accessFor(collection, viewer, () => (viewer ? access.roleTypeOf(viewer) : Promise.resolve(null)));
      return granted ? info(collection, granted) : null;
    },
    async listObjects(info: Info): Promise<MemberInfo[]> {
      return (await current().members(await collectionOf(info))).map(memberInfo);
    },
    async getObjects(info: Info, names: string[]): Promise<StoredMember[]> {
      if (names.length === 0) return [];
      const wanted = new Set(names);
      const members = await current().members(await collectionOf(info), [...new Set(names.map(nameToDocumentId))]);
      return members.filter((member) => wanted.has(member.name)).map(stored);
    },
    async findObject(info: Info, name: string): Promise<StoredMember | null> {
      const [member] = await current().members(await collectionOf(info), [nameToDocumentId(name)]);
      return member && member.name === name ? stored(member) : null;
    },
    async allObjects(info: Info): Promise<StoredMember[]> {
      return (await current().members(await collectionOf(info))).map(stored);
    },
    changedSince: (info: Info, since: number, until: number) => changeLog.changedSince(info.documentId, since, until),
  };
}

/** The plugin's calendar backend with the calendar sources beside its own calendars. */
export function withCalendarSources(strapi: Core.Strapi, own: CalendarBackend, current: () => SourceRegistry): CalendarBackend {
  const sources = createSourceSide<CalendarInfo>(strapi, current, 'calendar', (collection, common) => ({
    ...common,
    color: collection.source.kind === 'calendar' ? collection.source.color ?? null : null,
    order: 0,
    timezone: collection.source.kind === 'calendar' ? collection.source.timezone ?? null : null,
    components: ['VEVENT'],
  }));
  const isSource = (calendar: CalendarInfo) => isSourceKey(calendar.documentId);
  return {
    async listCalendars(user) {
      return [...(await own.listCalendars(user)), ...(await sources.list(user))];
    },
    async findCalendar(slug, viewer) {
      return (await sources.find(slug, viewer)) ?? own.findCalendar(slug, viewer);
    },
    async findCalendarObject(slug, viewer, name) {
      const calendar = await sources.find(slug, viewer);
      return calendar ? { calendar, object: await sources.findObject(calendar, name) } : own.findCalendarObject(slug, viewer, name);
    },
    async createCalendar(owner, slug, changes) {
      if (current().isSourceSlug(slug)) throw new DavError(409, `The name "${slug}" is in use on this site; choose another.`);
      return own.createCalendar(owner, slug, changes);
    },
    updateCalendar: (calendar, changes) => (isSource(calendar) ? Promise.reject(READ_ONLY()) : own.updateCalendar(calendar, changes)),
    updatePersonal: (calendar, viewer, changes) => (isSource(calendar) ? Promise.reject(READ_ONLY()) : own.updatePersonal(calendar, viewer, changes)),
    deleteCalendar: (calendar) => (isSource(calendar) ? Promise.reject(READ_ONLY()) : own.deleteCalendar(calendar)),
    listObjects: (calendar) => (isSource(calendar) ? sources.listObjects(calendar) : own.listObjects(calendar)),
    getObjects: (calendar, names) => (isSource(calendar) ? sources.getObjects(calendar, names) : own.getObjects(calendar, names)),
    findObject: (calendar, name) => (isSource(calendar) ? sources.findObject(calendar, name) : own.findObject(calendar, name)),
    findObjectNameByUid: (calendar, uid) => (isSource(calendar) ? Promise.resolve(null) : own.findObjectNameByUid(calendar, uid)),
    deleteObject: (calendar, name, condition) => (isSource(calendar) ? Promise.reject(READ_ONLY()) : own.deleteObject(calendar, name, condition)),
    changedSince: (calendar, since, until) => (isSource(calendar) ? sources.changedSince(calendar, since, until) : own.changedSince(calendar, since, until)),
    async queryObjects(calendar, range) {
      if (!isSource(calendar)) return own.queryObjects(calendar, range);
      // Every entry is a candidate: the exact filter decides (sources are read whole; they are not indexed by time).
      return (await sources.allObjects(calendar)).map((member) => ({ ...member, bounds: { first: null, last: null } }));
    },
    putObject: (calendar, name, data, parsed, condition) => (isSource(calendar) ? Promise.reject(READ_ONLY()) : own.putObject(calendar, name, data, parsed, condition)),
    moveObject: (from, name, to, newName, conditions) =>
      isSource(from) || isSource(to) ? Promise.reject(READ_ONLY()) : own.moveObject(from, name, to, newName, conditions),
  };
}

/** The plugin's address-book backend with the address-book sources beside its own address books. */
export function withAddressBookSources(strapi: Core.Strapi, own: AddressBookBackend, current: () => SourceRegistry): AddressBookBackend {
  const sources = createSourceSide<AddressBookInfo>(strapi, current, 'addressbook', (_collection, common) => common);
  const isSource = (book: AddressBookInfo) => isSourceKey(book.documentId);
  return {
    async listAddressBooks(user) {
      return [...(await own.listAddressBooks(user)), ...(await sources.list(user))];
    },
    async findAddressBook(slug, viewer) {
      return (await sources.find(slug, viewer)) ?? own.findAddressBook(slug, viewer);
    },
    async findAddressBookObject(slug, viewer, name) {
      const book = await sources.find(slug, viewer);
      return book ? { book, object: await sources.findObject(book, name) } : own.findAddressBookObject(slug, viewer, name);
    },
    async createAddressBook(owner, slug, changes) {
      if (current().isSourceSlug(slug)) throw new DavError(409, `The name "${slug}" is in use on this site; choose another.`);
      return own.createAddressBook(owner, slug, changes);
    },
    updateAddressBook: (book, changes) => (isSource(book) ? Promise.reject(READ_ONLY()) : own.updateAddressBook(book, changes)),
    updatePersonal: (book, viewer, changes) => (isSource(book) ? Promise.reject(READ_ONLY()) : own.updatePersonal(book, viewer, changes)),
    deleteAddressBook: (book) => (isSource(book) ? Promise.reject(READ_ONLY()) : own.deleteAddressBook(book)),
    listObjects: (book) => (isSource(book) ? sources.listObjects(book) : own.listObjects(book)),
    getObjects: (book, names) => (isSource(book) ? sources.getObjects(book, names) : own.getObjects(book, names)),
    findObject: (book, name) => (isSource(book) ? sources.findObject(book, name) : own.findObject(book, name)),
    findObjectNameByUid: (book, uid) => (isSource(book) ? Promise.resolve(null) : own.findObjectNameByUid(book, uid)),
    deleteObject: (book, name, condition) => (isSource(book) ? Promise.reject(READ_ONLY()) : own.deleteObject(book, name, condition)),
    changedSince: (book, since, until) => (isSource(book) ? sources.changedSince(book, since, until) : own.changedSince(book, since, until)),
    allObjects: (book) => (isSource(book) ? sources.allObjects(book) : own.allObjects(book)),
    putObject: (book, name, data, parsed, condition) => (isSource(book) ? Promise.reject(READ_ONLY()) : own.putObject(book, name, data, parsed, condition)),
  };
}
