import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import type { PostalAddress, StructuredName, TypedValue } from '../content-types/structured-values';
import { ADDRESS_BOOK_UID, CONTACT_UID } from '../uids';
import { AdminApiError, badRequest, refusal } from '../admin-api';
import { STALE_MESSAGE } from './errors';
import { contactFields, listQuery, objectBody } from './input';
import type { AdminAddressBook, ContactDetail, ContactPhoto, ContactSummary, Pagination } from './types';

type Data = Record<string, unknown>;

interface MediaRow {
  id: number;
  name: string;
  url: string;
  mime: string;
  formats?: Record<string, { url: string } | undefined> | null;
}

interface SearchRow {
  documentId: string;
  fullName: string | null;
  organization: string | null;
  emails: unknown;
  phones: unknown;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const list = <T>(value: unknown): T[] | null => (Array.isArray(value) && value.length > 0 ? (value as T[]) : null);
const date = (value: unknown): string | null => {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
};
const firstValue = (value: unknown): string | null => {
  const first = list<TypedValue>(value)?.find((entry) => typeof entry?.value === 'string' && entry.value !== '');
  return first?.value ?? null;
};

function photoOf(file: MediaRow | null | undefined): ContactPhoto | null {
  if (!file) return null;
  return { id: file.id, name: file.name, url: file.url, thumbnailUrl: file.formats?.thumbnail?.url ?? file.url };
}

/** Case- and accent-insensitive matching, and phone numbers also by their digits ("030 1234" finds "+49 30 1234"). */
function matcher(q: string): (row: SearchRow) => boolean {
  const fold = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const needle = fold(q);
  const digits = /^[\d\s()+./-]+$/.test(q) ? q.replace(/\D/g, '').replace(/^0+/, '') : '';
  return (row) => {
    const texts = [row.fullName, row.organization, ...(list<TypedValue>(row.emails) ?? []).map((entry) => entry?.value)];
    if (texts.some((value) => typeof value === 'string' && fold(value).includes(needle))) return true;
    return (list<TypedValue>(row.phones) ?? []).some((entry) => {
      if (typeof entry?.value !== 'string') return false;
      return fold(entry.value).includes(needle) || (digits.length >= 3 && entry.value.replace(/\D/g, '').includes(digits));
    });
  };
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

export function createContactAdmin(strapi: Core.Strapi) {
  const contacts = () => strapi.db.query(CONTACT_UID as never);
  const documents = () => strapi.documents(CONTACT_UID as never);

  async function book(documentId: string): Promise<{ id: number; documentId: string }> {
    const found = (await strapi.db.query(ADDRESS_BOOK_UID as never).findOne({ select: ['id', 'documentId'], where: { documentId } })) as {
      id: number;
      documentId: string;
    } | null;
    if (!found) throw new AdminApiError(404, `No address book with documentId "${documentId}".`);
    return found;
  }

  async function detail(documentId: string): Promise<ContactDetail> {
    const row = (await contacts().findOne({
      where: { documentId },
      populate: { photo: true, addressBook: { select: ['documentId'] } },
    })) as (Data & { photo?: MediaRow | null; addressBook?: { documentId: string } | null }) | null;
    if (!row) throw new AdminApiError(404, `No contact with documentId "${documentId}".`);
    return {
      documentId,
      addressBook: row.addressBook?.documentId ?? null,
      fullName: text(row.fullName),
      name: typeof row.name === 'object' && row.name !== null && !Array.isArray(row.name) ? (row.name as StructuredName) : null,
      organization: text(row.organization),
      title: text(row.title),
      emails: list<TypedValue>(row.emails),
      phones: list<TypedValue>(row.phones),
      addresses: list<PostalAddress>(row.addresses),
      birthday: date(row.birthday),
      url: text(row.url),
      note: text(row.note),
      photo: photoOf(row.photo),
      uid: text(row.uid),
      resourceName: text(row.resourceName),
      etag: text(row.etag),
    };
  }

  /** A picked photo must be an image in the media library: anything else could not become a vCard PHOTO. */
  async function checkPhoto(id: number | null | undefined): Promise<void> {
    if (id === null || id === undefined) return;
    const file = (await strapi.db.query('plugin::upload.file' as never).findOne({ select: ['id', 'mime'], where: { id } })) as MediaRow | null;
    if (!file) throw badRequest(`"photo": there is no file with id ${id} in the media library.`);
    if (!file.mime.startsWith('image/')) throw badRequest(`"photo": the file with id ${id} is not an image (${file.mime}).`);
  }

  /** Runs a document-service write; the document rules' refusals become messages. */
  async function write<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw refusal(error, STALE_MESSAGE) ?? error;
    }
  }

  return {
    /** Every address book (admin users see all of them, whoever owns them), with how many contacts each holds. */
    async addressBooks(): Promise<AdminAddressBook[]> {
      const rows = (await strapi.db.query(ADDRESS_BOOK_UID as never).findMany({
        select: ['id', 'documentId', 'name', 'slug'],
        populate: { owner: { select: ['username'] } },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      })) as Array<{ id: number; documentId: string; name: string; slug: string; owner: { username: string } | null }>;
      return Promise.all(
        rows.map(async (row) => ({
          documentId: row.documentId,
          name: row.name,
          slug: row.slug,
          owner: row.owner?.username ?? null,
          contacts: await contacts().count({ where: { addressBook: { id: row.id } } }),
        })),
      );
    },

    /**
     * A page of an address book's contacts, sorted by full name. Emails and phones are JSON columns, which the
     * three databases search each in their own way: the book's search columns are read and matched here instead.
     */
    async contacts(bookDocumentId: string, query: Record<string, unknown>): Promise<{ data: ContactSummary[]; meta: { pagination: Pagination } }> {
      const { q, page, pageSize } = listQuery(query);
      const found = await book(bookDocumentId);
      const rows = (await contacts().findMany({
        select: ['documentId', 'fullName', 'organization', 'emails', 'phones'],
        where: { addressBook: { id: found.id } },
      })) as SearchRow[];
      const matching = (q === '' ? rows : rows.filter(matcher(q))).sort(
        (a, b) => collator.compare(a.fullName ?? '', b.fullName ?? '') || a.documentId.localeCompare(b.documentId),
      );
      const shown = matching.slice((page - 1) * pageSize, page * pageSize);
      const extras = shown.length === 0
        ? []
        : ((await contacts().findMany({
            select: ['documentId', 'etag'],
            where: { documentId: { $in: shown.map((row) => row.documentId) } },
            populate: { photo: true },
          })) as Array<{ documentId: string; etag: string | null; photo?: MediaRow | null }>);
      const byId = new Map(extras.map((row) => [row.documentId, row]));
      return {
        data: shown.map((row) => ({
          documentId: row.documentId,
          fullName: text(row.fullName),
          organization: text(row.organization),
          email: firstValue(row.emails),
          phone: firstValue(row.phones),
          photoUrl: photoOf(byId.get(row.documentId)?.photo)?.thumbnailUrl ?? null,
          etag: byId.get(row.documentId)?.etag ?? null,
        })),
        meta: { pagination: { page, pageSize, pageCount: Math.ceil(matching.length / pageSize), total: matching.length } },
      };
    },

    contact: (documentId: string) => detail(documentId),

    async create(bookDocumentId: string, body: unknown): Promise<ContactDetail> {
      const fields = contactFields(objectBody(body));
      const found = await book(bookDocumentId);
      if (!fields.fullName) throw badRequest('"fullName" is required: the name contacts apps show (FN).');
      await checkPhoto(fields.photo);
      const created = await write(() => documents().create({ data: { ...fields, addressBook: found.documentId } as never }));
      return detail((created as unknown as { documentId: string }).documentId);
    },

    async update(documentId: string, body: unknown): Promise<ContactDetail> {
      const input = objectBody(body);
      const { etag } = input;
      const fields = contactFields(input, ['etag']);
      if (typeof etag !== 'string' || etag === '') throw badRequest('"etag" is required: the etag of the contact as it was loaded, so that no app\'s change is overwritten.');
      const current = await detail(documentId);
      if (current.etag !== etag) throw new AdminApiError(409, STALE_MESSAGE);
      if ('fullName' in fields && !fields.fullName) throw badRequest('"fullName" must not be empty: it is the name contacts apps show (FN).');
      await checkPhoto(fields.photo);
      // The etag goes along: the document rules compare it again as they write, closing the gap since the read.
      await write(() => documents().update({ documentId, data: { ...fields, etag } as never }));
      return detail(documentId);
    },

    async remove(documentId: string, query: Record<string, unknown>): Promise<{ documentId: string }> {
      const current = await detail(documentId);
      const { etag } = query;
      if (etag !== undefined && etag !== current.etag) throw new AdminApiError(409, STALE_MESSAGE);
      await write(() => documents().delete({ documentId }));
      return { documentId };
    },
  };
}
