/**
 * The calendar or address book an import writes to, found by documentId (the admin panel) or slug (the command
 * line), as the DAV layer sees it: the storage's own description of it, read as its owner.
 */
import type { Core } from '@strapi/strapi';

import { toPrincipal } from '../auth/principals';
import type { AddressBookBackend, AddressBookInfo, CalendarBackend, CalendarInfo } from '../dav/backend';
import { ADDRESS_BOOK_UID, CALENDAR_UID } from '../uids';
import { TargetUnusableError } from './errors';

export type CollectionRef = { documentId: string } | { slug: string };

interface CollectionRow {
  documentId: string;
  slug: string;
  name: string;
  owner: { id: number; documentId: string; username: string; email: string | null } | null;
}

export interface Target<Info> {
  documentId: string;
  slug: string;
  name: string;
  info: Info;
}

const describeRef = (ref: CollectionRef) => ('slug' in ref ? `"${ref.slug}"` : `with documentId "${ref.documentId}"`);

async function findRow(strapi: Core.Strapi, uid: string, ref: CollectionRef): Promise<CollectionRow | null> {
  const value = 'slug' in ref ? ref.slug : ref.documentId;
  if (typeof value !== 'string' || value === '') return null;
  return (await strapi.db.query(uid as never).findOne({
    select: ['documentId', 'slug', 'name'],
    where: 'slug' in ref ? { slug: ref.slug } : { documentId: ref.documentId },
    populate: { owner: { select: ['id', 'documentId', 'username', 'email'] } },
  })) as CollectionRow | null;
}

/**
 * Objects are stored as the owner's own app would store them; a collection without an owner has no such
 * viewpoint (DAV reaches it only through its shares).
 */
function ownerless(kind: string, row: CollectionRow): TargetUnusableError {
  return new TargetUnusableError(`The ${kind} "${row.name}" has no owner; give it one in the Content Manager, then import again.`);
}

export async function findCalendarTarget(strapi: Core.Strapi, backend: CalendarBackend, ref: CollectionRef): Promise<Target<CalendarInfo> | null> {
  const row = await findRow(strapi, CALENDAR_UID, ref);
  if (!row) return null;
  if (!row.owner) throw ownerless('calendar', row);
  const info = await backend.findCalendar(row.slug, toPrincipal(row.owner));
  if (!info) throw ownerless('calendar', row);
  return { documentId: row.documentId, slug: row.slug, name: row.name, info };
}

export async function findAddressBookTarget(
  strapi: Core.Strapi,
  backend: AddressBookBackend,
  ref: CollectionRef,
): Promise<Target<AddressBookInfo> | null> {
  const row = await findRow(strapi, ADDRESS_BOOK_UID, ref);
  if (!row) return null;
  if (!row.owner) throw ownerless('address book', row);
  const info = await backend.findAddressBook(row.slug, toPrincipal(row.owner));
  if (!info) throw ownerless('address book', row);
  return { documentId: row.documentId, slug: row.slug, name: row.name, info };
}

export const notFoundMessage = (kind: 'calendar' | 'address book', ref: CollectionRef) => `There is no ${kind} ${describeRef(ref)}.`;

/** The documentId of the calendar or address book, whoever owns it (exports need no owner). */
export async function documentIdOf(strapi: Core.Strapi, kind: 'calendar' | 'address book', ref: CollectionRef): Promise<string | null> {
  return (await findRow(strapi, kind === 'calendar' ? CALENDAR_UID : ADDRESS_BOOK_UID, ref))?.documentId ?? null;
}
