/**
 * Import and export of whole calendars (.ics) and address books (.vcf), for the admin panel and the command line.
 */
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import { createAddressBookBackend } from '../store/address-book-backend';
import { createCalendarBackend } from '../store/calendar-backend';
import { splitCalendarFile } from './calendar-file';
import { splitContactFile } from './contact-file';
import { ImportRefusedError } from './errors';
import { addressBookExport, calendarExport, type ExportFile } from './export';
import { addressBookWriter, calendarWriter, runImport, type ImportReport, type ObjectWriter } from './import';
import { documentIdOf, findAddressBookTarget, findCalendarTarget, type CollectionRef } from './targets';
import { MAX_IMPORT_BYTES, type ImportSummary, type SplitFile } from './types';

/** A file read and cut into objects, ready to be stored into its calendar or address book. */
export interface PreparedImport {
  target: { documentId: string; slug: string; name: string };
  total: number;
  run(report?: (progress: ImportReport) => void): Promise<ImportSummary>;
}

export const megabytes = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;

/** Refuses a file over the limit before anything is read from it. */
export function checkImportSize(bytes: number): void {
  if (bytes > MAX_IMPORT_BYTES) {
    throw new ImportRefusedError(`The file is ${megabytes(bytes)}; files up to ${megabytes(MAX_IMPORT_BYTES)} can be imported. Split it into smaller files.`);
  }
}

function prepared(target: PreparedImport['target'], file: SplitFile, write: ObjectWriter): PreparedImport {
  return {
    target,
    total: file.total,
    run: (report) => runImport(file, write, report),
  };
}

export function createTransferService(strapi: Core.Strapi) {
  const calendars = createCalendarBackend(strapi);
  const addressBooks = createAddressBookBackend(strapi);
  const maxResourceSize = () => (strapi.config.get('plugin::caldav') as PluginConfig).maxResourceSize;

  return {
    /** The largest file an import takes, in bytes. */
    maxImportBytes: MAX_IMPORT_BYTES,

    /**
     * Finds the calendar and cuts the file into calendar objects; nothing is stored until `run`. Null when there is
     * no such calendar; throws ImportRefusedError for a file that is not iCalendar, TargetUnusableError for a
     * calendar without an owner.
     */
    async prepareCalendarImport(ref: CollectionRef, text: string): Promise<PreparedImport | null> {
      const target = await findCalendarTarget(strapi, calendars, ref);
      if (!target) return null;
      checkImportSize(Buffer.byteLength(text));
      const { info, ...summary } = target;
      return prepared(summary, splitCalendarFile(text), calendarWriter(calendars, info, maxResourceSize()));
    },

    /** As prepareCalendarImport, for a vCard file and an address book. */
    async prepareAddressBookImport(ref: CollectionRef, text: string): Promise<PreparedImport | null> {
      const target = await findAddressBookTarget(strapi, addressBooks, ref);
      if (!target) return null;
      checkImportSize(Buffer.byteLength(text));
      const { info, ...summary } = target;
      return prepared(summary, splitContactFile(text), addressBookWriter(addressBooks, info, maxResourceSize()));
    },

    /** The calendar as an .ics file; null when there is no such calendar. */
    async calendarExport(ref: CollectionRef): Promise<ExportFile | null> {
      const documentId = await documentIdOf(strapi, 'calendar', ref);
      return documentId === null ? null : calendarExport(strapi, documentId);
    },

    /** The address book as a .vcf file; null when there is no such address book. */
    async addressBookExport(ref: CollectionRef): Promise<ExportFile | null> {
      const documentId = await documentIdOf(strapi, 'address book', ref);
      return documentId === null ? null : addressBookExport(strapi, documentId);
    },
  };
}

export type TransferService = ReturnType<typeof createTransferService>;
