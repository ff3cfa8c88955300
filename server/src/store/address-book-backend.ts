import type { Core } from '@strapi/strapi';

import type { AddressBookBackend, AddressBookInfo, CollectionChanges, Principal } from '../dav/backend';
import { NS } from '../dav/model';
import type { ParsedVCard } from '../vcard';
import { ADDRESS_BOOK_UID, CONTACT_UID } from '../uids';
import { createCollectionStore } from './collection-store';
import { contactDataFromVCard } from './contact-data';
import { asDavWrite } from './dav-writes';

/** CardDAV storage over Strapi: address books and their contacts. */
export function createAddressBookBackend(strapi: Core.Strapi): AddressBookBackend {
  const store = createCollectionStore<AddressBookInfo>(
    strapi,
    { collectionUid: ADDRESS_BOOK_UID, memberUid: CONTACT_UID, relation: 'addressBook', textField: 'vcard', extraFields: [] },
    (_row, common) => common,
  );
  const contacts = () => strapi.db.query(CONTACT_UID as never);
  const documents = () => strapi.documents(CONTACT_UID as never);

  return {
    ...store.members,
    listAddressBooks: (owner: Principal) => store.listOf(owner, [{ name: 'asc' }]),
    findAddressBook: (owner: Principal, slug: string) => store.findOf(owner, slug),
    createAddressBook: (owner: Principal, slug: string, changes: CollectionChanges) => store.create(owner, slug, changes, {}),
    updateAddressBook: (book: AddressBookInfo, changes: CollectionChanges) => store.update(book, changes, {}),
    deleteAddressBook: (book: AddressBookInfo) => store.deleteWithMembers(book),

    async allObjects(book: AddressBookInfo) {
      const rows = (await contacts().findMany({ select: store.memberFields, where: store.membersWhere(book.documentId) })) as Array<
        Parameters<typeof store.toStoredMember>[0]
      >;
      return rows.map(store.toStoredMember);
    },

    async putObject(book: AddressBookInfo, name: string, data: string, parsed: ParsedVCard) {
      const contactData = { ...contactDataFromVCard(parsed, data), resourceName: name, addressBook: book.documentId };
      return strapi.db.transaction(() =>
        asDavWrite(async () => {
          const existing = await store.memberRow(book, name, false);
          if (existing) {
            await documents().update({ documentId: existing.documentId, data: contactData as never });
            return { etag: contactData.etag, created: false };
          }
          await documents().create({ data: contactData as never });
          return { etag: contactData.etag, created: true };
        }, { ns: NS.CARDDAV, name: 'valid-address-data' }),
      );
    },
  };
}
