import { Readable } from 'node:stream';

import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import {
  createJobRegistry,
  createTransferService,
  ImportRefusedError,
  MAX_IMPORT_BYTES,
  notFoundMessage,
  readUpload,
  TargetUnusableError,
  UploadError,
  type PreparedImport,
} from '../transfers';

type Kind = 'calendar' | 'address book';

const param = (ctx: Context, name: string): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/** The admin user making the request (the admin routes' authentication puts them there). */
const adminId = (ctx: Context): number | null => {
  const id = (ctx.state as { user?: { id?: unknown } }).user?.id;
  return typeof id === 'number' ? id : null;
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');

/** Admin panel: import a file into a calendar or an address book as a job to follow, and export them as files. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const service = createTransferService(strapi);
  const jobs = createJobRegistry();

  async function startImport(ctx: Context, kind: Kind): Promise<void> {
    const ref = { documentId: param(ctx, 'documentId') };
    try {
      const text = await readUpload(ctx, MAX_IMPORT_BYTES);
      const prepare = kind === 'calendar' ? service.prepareCalendarImport : service.prepareAddressBookImport;
      const prepared: PreparedImport | null = await prepare(ref, text);
      if (!prepared) return ctx.notFound(notFoundMessage(kind, ref));
      const running = jobs.runningInto(prepared.target.documentId);
      if (running) return ctx.conflict(`An import into the ${kind} "${prepared.target.name}" is already running; wait for it to finish.`);
      const job = jobs.start(prepared.target.documentId, adminId(ctx), prepared.total, (report) => prepared.run(report), (error) => {
        strapi.log.error(`caldav: an import into the ${kind} "${prepared.target.slug}" failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        return `The import stopped: ${errorText(error)}. What was imported before stays imported; importing the file again updates it and adds the rest.`;
      });
      ctx.status = 202;
      ctx.body = { data: { jobId: job.id } };
    } catch (error) {
      if (error instanceof UploadError) {
        if (error.status === 413) {
          // The rest of the body is not read: the connection cannot serve another request.
          ctx.set('Connection', 'close');
          return ctx.payloadTooLarge(error.message);
        }
        if (error.status === 415) return ctx.unsupportedMediaType(error.message);
        return ctx.badRequest(error.message);
      }
      if (error instanceof ImportRefusedError) return ctx.badRequest(error.message);
      if (error instanceof TargetUnusableError) return ctx.conflict(error.message);
      throw error;
    }
  }

  return {
    importCalendar: (ctx: Context) => startImport(ctx, 'calendar'),

    importAddressBook: (ctx: Context) => startImport(ctx, 'address book'),

    /** How an import is going; only its starter sees it (to anyone else it does not exist). */
    async importStatus(ctx: Context): Promise<void> {
      const job = jobs.get(param(ctx, 'jobId'));
      if (!job || job.startedBy !== adminId(ctx)) return ctx.notFound('No such import (finished imports are kept for an hour).');
      const { status, processed, total, summary, error } = job;
      ctx.body = { data: { status, processed, total, summary, error } };
    },

    exportCalendar: (ctx: Context) => sendExport(ctx, 'calendar'),

    exportAddressBook: (ctx: Context) => sendExport(ctx, 'address book'),
  };

  async function sendExport(ctx: Context, kind: Kind): Promise<void> {
    const ref = { documentId: param(ctx, 'documentId') };
    const file = kind === 'calendar' ? await service.calendarExport(ref) : await service.addressBookExport(ref);
    if (!file) return ctx.notFound(notFoundMessage(kind, ref));
    ctx.status = 200;
    ctx.attachment(file.fileName);
    // After attachment(), which sets the type from the extension: Koa's table has the obsolete text/x-vcard for .vcf.
    ctx.set('Content-Type', file.contentType);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = Readable.from(file.chunks, { objectMode: false });
  }
};
