import type { Core } from '@strapi/strapi';

import type { PostalAddress, StructuredName, TypedValue } from '../content-types/structured-values';
import type { ComponentType, EventStatus } from '../ical';
import { ADDRESS_BOOK_UID, CALENDAR_UID, CONTACT_UID, EVENT_UID, SHARE_UID } from '../uids';

export type Visibility = 'private' | 'public';

export interface CalendarInput {
  /** documentId of the users-permissions user who owns the calendar. */
  owner: string;
  name: string;
  slug: string;
  description?: string;
  color?: string;
  timezone?: string;
  visibility?: Visibility;
  components?: ComponentType[];
  sortOrder?: number;
}

export interface EventInput {
  summary?: string;
  componentType?: ComponentType;
  start?: string;
  end?: string;
  allDay?: boolean;
  timezone?: string;
  location?: string;
  description?: string;
  eventStatus?: EventStatus;
  rrule?: string;
  exdates?: string[];
  categories?: string[];
  url?: string;
  uid?: string;
  resourceName?: string;
  icalendar?: string;
}

export interface AddressBookInput {
  owner: string;
  name: string;
  slug: string;
  description?: string;
}

export interface ContactInput {
  fullName?: string;
  name?: StructuredName;
  emails?: TypedValue[];
  phones?: TypedValue[];
  addresses?: PostalAddress[];
  organization?: string;
  title?: string;
  birthday?: string;
  note?: string;
  url?: string;
  uid?: string;
  resourceName?: string;
  vcard?: string;
}

export interface ShareInput {
  /** documentId of the calendar, or of the address book, to share. */
  calendar?: string;
  addressBook?: string;
  /** documentId of the users-permissions user, or of the role, to share with. */
  user?: string;
  role?: string;
  access: 'read' | 'read-write';
}

export interface StoredDocument {
  id: number;
  documentId: string;
  [field: string]: unknown;
}

/**
 * Collections and their members through Strapi's document service, so that every write passes the same rules and
 * lifecycle as an editor's. Events are published on write: DAV clients and subscribers read the published version.
 */
export function createCollectionStore(strapi: Core.Strapi) {
  const documents = strapi.documents;

  return {
    async createCalendar(input: CalendarInput): Promise<StoredDocument> {
      return (await documents(CALENDAR_UID).create({ data: input as never })) as unknown as StoredDocument;
    },

    async findCalendarBySlug(slug: string): Promise<StoredDocument | null> {
      return (await documents(CALENDAR_UID).findFirst({ filters: { slug }, populate: ['owner'] })) as StoredDocument | null;
    },

    async listCalendarsOf(ownerDocumentId: string): Promise<StoredDocument[]> {
      return (await documents(CALENDAR_UID).findMany({
        filters: { owner: { documentId: ownerDocumentId } },
        sort: ['sortOrder:asc', 'name:asc'],
      })) as unknown as StoredDocument[];
    },

    async createEvent(calendarDocumentId: string, input: EventInput): Promise<StoredDocument> {
      return (await documents(EVENT_UID).create({
        data: { ...input, calendar: calendarDocumentId } as never,
        status: 'published',
      })) as unknown as StoredDocument;
    },

    async listEvents(calendarDocumentId: string): Promise<StoredDocument[]> {
      return (await documents(EVENT_UID).findMany({
        filters: { calendar: { documentId: calendarDocumentId } },
        status: 'published',
        sort: ['start:asc'],
      })) as unknown as StoredDocument[];
    },

    async createAddressBook(input: AddressBookInput): Promise<StoredDocument> {
      return (await documents(ADDRESS_BOOK_UID).create({ data: input as never })) as unknown as StoredDocument;
    },

    async findAddressBookBySlug(slug: string): Promise<StoredDocument | null> {
      return (await documents(ADDRESS_BOOK_UID).findFirst({ filters: { slug } })) as StoredDocument | null;
    },

    async createContact(addressBookDocumentId: string, input: ContactInput): Promise<StoredDocument> {
      return (await documents(CONTACT_UID).create({
        data: { ...input, addressBook: addressBookDocumentId } as never,
      })) as unknown as StoredDocument;
    },

    async createShare(input: ShareInput): Promise<StoredDocument> {
      return (await documents(SHARE_UID).create({ data: input as never })) as unknown as StoredDocument;
    },

    async listContacts(addressBookDocumentId: string): Promise<StoredDocument[]> {
      return (await documents(CONTACT_UID).findMany({
        filters: { addressBook: { documentId: addressBookDocumentId } },
        sort: ['fullName:asc'],
      })) as unknown as StoredDocument[];
    },
  };
}

export type CollectionStore = ReturnType<typeof createCollectionStore>;
