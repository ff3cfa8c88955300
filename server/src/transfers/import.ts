/**
 * Storing the objects of an imported file, one at a time, each exactly as a client's PUT stores it: the same
 * validation, then the storage's putObject (one transaction each, with change tracking, ETag and sync token). An
 * object that already exists in the collection (by UID) is replaced under its name; a new one is named after its UID.
 */
import { randomUUID } from 'node:crypto';

import type { AddressBookBackend, AddressBookInfo, CalendarBackend, CalendarInfo, CollectionInfo, MemberStore } from '../dav/backend';
import { DavError } from '../dav/errors';
import { CalendarObjectError, parseCalendarObject } from '../ical';
import { parseVCard, VCardError } from '../vcard';
import { ObjectSkippedError } from './errors';
import type { ImportSummary, SplitFile } from './types';

/** As a PUT: UIDs are indexed and compared, and longer ones are refused rather than cut. */
const MAX_UID_LENGTH = 255;
/** The longest resource name the content types store. */
const MAX_NAME_LENGTH = 255;

/** Stores one object's text; answers whether it was created (else replaced). Throws ObjectSkippedError for bad data. */
export type ObjectWriter = (text: string) => Promise<{ uid: string; created: boolean }>;

export interface ImportReport {
  processed: number;
  summary: ImportSummary;
}

/**
 * The name of the object with this UID, or a free one for a new object: the UID made URL-safe (as for objects an
 * editor creates), else a random one when that is too long or another object already has it.
 */
async function nameFor<Info extends CollectionInfo>(members: MemberStore<Info>, collection: Info, uid: string, extension: string): Promise<string> {
  const existing = await members.findObjectNameByUid(collection, uid);
  if (existing !== null) return existing;
  const candidate = `${uid.replace(/[^A-Za-z0-9._@-]/g, '_')}${extension}`;
  if (candidate.length <= MAX_NAME_LENGTH && !(await members.findObject(collection, candidate))) return candidate;
  return `${randomUUID()}${extension}`;
}

function checkSize(text: string, maxResourceSize: number, what: string): void {
  const size = Buffer.byteLength(text);
  if (size > maxResourceSize) throw new ObjectSkippedError(`The ${what} is ${size} bytes, larger than the ${maxResourceSize} bytes this site accepts (maxResourceSize).`);
}

function checkUid(uid: string): void {
  if (uid.length > MAX_UID_LENGTH) throw new ObjectSkippedError(`UIDs longer than ${MAX_UID_LENGTH} characters are not supported.`);
}

/** A refusal of the storage (a rule of the site) skips the object; anything else (the database) stops the import. */
async function stored<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DavError) throw new ObjectSkippedError(error.message);
    throw error;
  }
}

export function calendarWriter(backend: CalendarBackend, calendar: CalendarInfo, maxResourceSize: number): ObjectWriter {
  return async (text) => {
    checkSize(text, maxResourceSize, 'calendar object');
    let parsed;
    try {
      parsed = parseCalendarObject(text, { supportedComponents: calendar.components });
    } catch (error) {
      if (error instanceof CalendarObjectError) throw new ObjectSkippedError(error.message);
      throw error;
    }
    checkUid(parsed.uid);
    const name = await nameFor(backend, calendar, parsed.uid, '.ics');
    const result = await stored(() => backend.putObject(calendar, name, text, parsed));
    // Another writer gave the UID to another object since nameFor looked.
    if ('uidTakenBy' in result) throw new ObjectSkippedError(`Another object of the calendar (${result.uidTakenBy}) already has this UID.`);
    return { uid: parsed.uid, created: result.created };
  };
}

export function addressBookWriter(backend: AddressBookBackend, book: AddressBookInfo, maxResourceSize: number): ObjectWriter {
  return async (text) => {
    checkSize(text, maxResourceSize, 'vCard');
    let parsed;
    try {
      parsed = parseVCard(text);
    } catch (error) {
      if (error instanceof VCardError) throw new ObjectSkippedError(error.message);
      throw error;
    }
    checkUid(parsed.uid);
    const name = await nameFor(backend, book, parsed.uid, '.vcf');
    const { created } = await stored(() => backend.putObject(book, name, text, parsed));
    return { uid: parsed.uid, created };
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Stores the file's objects one after the other, reporting after each. Parsing is synchronous: the event loop gets
 * a turn between objects, so that the site keeps answering during a long import. A database failure ends the
 * import (what was stored stays stored, each object being its own transaction) and is thrown.
 */
export async function runImport(file: SplitFile, write: ObjectWriter, report: (progress: ImportReport) => void = () => undefined): Promise<ImportSummary> {
  const summary: ImportSummary = { created: 0, updated: 0, skipped: [], total: file.total };
  let processed = 0;
  report({ processed, summary });
  for (const item of file.items) {
    if ('problem' in item) {
      summary.skipped.push({ uid: item.uid, reason: item.problem });
    } else {
      try {
        const { created } = await write(item.text);
        if (created) summary.created += 1;
        else summary.updated += 1;
      } catch (error) {
        if (!(error instanceof ObjectSkippedError)) throw error;
        summary.skipped.push({ uid: item.uid, reason: error.message });
      }
    }
    processed += 1;
    report({ processed, summary });
    await nextTurn();
  }
  return summary;
}
