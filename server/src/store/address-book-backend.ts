import type { Core } from '@strapi/strapi';

import type { AddressBookBackend, AddressBookInfo, CollectionChanges, Principal, WriteCondition } from '../dav/backend';
import { DavError } from '../dav/errors';
import { NS } from '../dav/model';
import type { ParsedVCard } from '../vcard';
import { ADDRESS_BOOK_UID, CONTACT_UID } from '../uids';
import { createCollectionStore } from './collection-store';
import { contactDataFromVCard } from './contact-data';
import { photoDigest, uploadPhoto } from './contact-photos';
import { asDavWrite } from './dav-writes';

/** CardDAV storage over Strapi: address books and their contacts. */
export function createAddressBookBackend(strapi: Core.Strapi): AddressBookBackend {
  const store = createCollectionStore<AddressBookInfo>(
    strapi,
    { collectionUid: ADDRESS_BOOK_UID, memberUid: CONTACT_UID, relation: 'addressBook', textField: 'vcard', extraFields: [] },
    (_row, common) => common,
  );
  const documents = () => strapi.documents(CONTACT_UID as never);

  /** The photo fields for a client's vCard: an unchanged photo keeps its media file, a new inline one is uploaded. */
  async function photoChange(book: AddressBookInfo, name: string, parsed: ParsedVCard): Promise<Record<string, unknown>> {
    const uri = parsed.fields.photo?.uri ?? null;
    if (!uri) return { photo: null, photoDigest: null };
    const digest = photoDigest(uri);
    const n = store.names();
    const [existing] = (await store.memberRows(book.documentId, false, (query) =>
      query.where(n.memberName, name).select({ photoDigest: `m.${n.memberColumn('photoDigest')}` }).limit(1),
    )) as Array<{ photoDigest?: string | null }>;
    if (existing?.photoDigest === digest) return {};
    const label = parsed.fields.fullName ?? 'contact';
    return { photo: uri.startsWith('data:') ? await uploadPhoto(strapi, uri, label) : null, photoDigest: digest };
  }

  return {
    ...store.members,
    listAddressBooks: (user: Principal) => store.listOf(user, [{ name: 'asc' }]),
    findAddressBook: (slug: string, viewer: Principal | null) => store.findOf(slug, viewer),
    async findAddressBookObject(slug: string, viewer: Principal | null, name: string) {
      const found = await store.findWithMember(slug, viewer, name);
      return found ? { book: found.collection, object: found.member } : null;
    },
    createAddressBook: (owner: Principal, slug: string, changes: CollectionChanges) => store.create(owner, slug, changes, {}),
    updateAddressBook: (book: AddressBookInfo, changes: CollectionChanges) => store.update(book, changes, {}),
    updatePersonal: (book: AddressBookInfo, viewer: Principal, changes: CollectionChanges) => store.updatePersonal(book, viewer, { displayName: changes.displayName }),
    deleteAddressBook: (book: AddressBookInfo) => store.deleteWithMembers(book),

    async allObjects(book: AddressBookInfo) {
      return (await store.memberRows(book.documentId, true, (query) => query.orderBy(store.names().memberName))).map(store.toStoredMember);
    },

    async putObject(book: AddressBookInfo, name: string, data: string, parsed: ParsedVCard, condition?: WriteCondition) {
      const contactData: Record<string, unknown> & { etag: string } = {
        ...contactDataFromVCard(parsed, data),
        resourceName: name,
        addressBook: book.documentId,
        ...(await photoChange(book, name, parsed)),
      };
      return store.writeTransaction([book.documentId], () =>
        asDavWrite(async () => {
          const existing = await store.memberRow(book, name, false);
          if (condition && !condition(existing ? existing.etag ?? '' : null)) {
            throw new DavError(412, existing ? 'The vCard has changed since you read it.' : 'The vCard does not exist.');
          }
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
