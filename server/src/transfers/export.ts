/**
 * A calendar as one .ics file (the text of its feed, every published event included) and an address book as one
 * .vcf file (its stored vCards, one after the other), read from the database a batch at a time.
 */
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import { feedText } from '../feeds/serve';
import { createFeedStore, EVENT_BATCH_SIZE } from '../feeds/store';
import { ADDRESS_BOOK_UID, CONTACT_UID } from '../uids';

export interface ExportFile {
  fileName: string;
  contentType: string;
  chunks: AsyncIterable<string>;
}

/** A file name made of the slug, safe in a Content-Disposition header and on every file system. */
const fileName = (slug: string, extension: string): string => `${slug.replace(/[^A-Za-z0-9._~-]/g, '_')}${extension}`;

export async function calendarExport(strapi: Core.Strapi, documentId: string): Promise<ExportFile | null> {
  const store = createFeedStore(strapi);
  const calendar = await store.findByDocumentId(documentId);
  if (!calendar) return null;
  const { feeds } = strapi.config.get('plugin::caldav') as PluginConfig;
  const heading = { name: calendar.name, description: calendar.description, timezone: calendar.timezone, refreshMinutes: feeds.refreshMinutes };
  return {
    fileName: fileName(calendar.slug, '.ics'),
    contentType: 'text/calendar; charset=utf-8',
    chunks: feedText(store, calendar, { after: null, before: null }, heading),
  };
}

/** Stored vCards keep the client's line endings; a .vcf file has CRLF throughout. */
const withCrlf = (text: string): string => {
  const normalized = text.replace(/\r\n|\r|\n/g, '\r\n');
  return normalized.endsWith('\r\n') ? normalized : `${normalized}\r\n`;
};

async function* vcardTexts(strapi: Core.Strapi, bookDocumentId: string): AsyncGenerator<string> {
  const contacts = () => strapi.db.query(CONTACT_UID as never);
  // The ids first (a few bytes each), then the texts by primary key, a batch per query.
  const ids = ((await contacts().findMany({
    select: ['id'],
    where: { publishedAt: { $notNull: true }, addressBook: { documentId: bookDocumentId } },
    orderBy: { id: 'asc' },
  })) as Array<{ id: number }>).map((row) => row.id);
  for (let start = 0; start < ids.length; start += EVENT_BATCH_SIZE) {
    const rows = (await contacts().findMany({
      select: ['id', 'vcard'],
      where: { id: { $in: ids.slice(start, start + EVENT_BATCH_SIZE) } },
      orderBy: { id: 'asc' },
    })) as Array<{ id: number; vcard: string | null }>;
    const chunk = rows.map((row) => (row.vcard ? withCrlf(row.vcard) : '')).join('');
    if (chunk !== '') yield chunk;
  }
}

export async function addressBookExport(strapi: Core.Strapi, documentId: string): Promise<ExportFile | null> {
  const book = (await strapi.db.query(ADDRESS_BOOK_UID as never).findOne({ select: ['documentId', 'slug'], where: { documentId } })) as
    | { documentId: string; slug: string }
    | null;
  if (!book) return null;
  return { fileName: fileName(book.slug, '.vcf'), contentType: 'text/vcard; charset=utf-8', chunks: vcardTexts(strapi, book.documentId) };
}
