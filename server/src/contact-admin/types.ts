/**
 * The shapes the contacts page's admin API answers with: the one definition that the server and the admin page
 * (admin/src/pages/contacts-api.ts) both use. Types only, so that the admin bundle takes nothing else from here.
 */

import type { PostalAddress, StructuredName, TypedValue } from '../content-types/structured-values';

export type { PostalAddress, StructuredName, TypedValue };

export interface AdminAddressBook {
  documentId: string;
  name: string;
  slug: string;
  /** The owner's username; null for an address book without an owner. */
  owner: string | null;
  contacts: number;
}

/** One row of the contact list. */
export interface ContactSummary {
  documentId: string;
  fullName: string | null;
  organization: string | null;
  email: string | null;
  phone: string | null;
  /** The photo's smallest rendition (thumbnail) as the media library serves it, or null. */
  photoUrl: string | null;
  etag: string | null;
}

export interface ContactPhoto {
  id: number;
  name: string;
  url: string;
  thumbnailUrl: string;
}

/** A contact's fields as the card editor shows them. */
export interface ContactDetail {
  documentId: string;
  addressBook: string | null;
  fullName: string | null;
  name: StructuredName | null;
  organization: string | null;
  title: string | null;
  emails: TypedValue[] | null;
  phones: TypedValue[] | null;
  addresses: PostalAddress[] | null;
  /** YYYY-MM-DD */
  birthday: string | null;
  url: string | null;
  note: string | null;
  photo: ContactPhoto | null;
  uid: string | null;
  resourceName: string | null;
  etag: string | null;
}

/** What the editor sends: every field optional on update (left out = unchanged), `photo` a media library file id. */
export interface ContactInput {
  fullName?: string | null;
  name?: StructuredName | null;
  organization?: string | null;
  title?: string | null;
  emails?: TypedValue[] | null;
  phones?: TypedValue[] | null;
  addresses?: PostalAddress[] | null;
  birthday?: string | null;
  url?: string | null;
  note?: string | null;
  photo?: number | null;
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  total: number;
}
