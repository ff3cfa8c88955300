import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { CalendarAdminError, createCalendarAdmin, refusal } from '../calendar-admin';

const param = (ctx: Context, name: string): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

const errorNames: Record<number, string> = { 400: 'ValidationError', 404: 'NotFoundError', 409: 'ConflictError' };

/** Answers in Strapi's error shape, so that the admin's fetch client shows the message. */
function fail(ctx: Context, error: CalendarAdminError): void {
  ctx.status = error.status;
  ctx.body = { data: null, error: { status: error.status, name: errorNames[error.status], message: error.message, details: {} } };
}

/** The admin's calendar panel: a calendar's fields, shares and links (server/src/calendar-admin). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const calendars = createCalendarAdmin(strapi);

  async function answer(ctx: Context, action: () => Promise<unknown>, status = 200): Promise<void> {
    try {
      const data = await action();
      ctx.status = status;
      ctx.body = data === undefined ? null : { data };
      if (data === undefined) ctx.status = 204;
    } catch (error) {
      const known = refusal(error);
      if (!known) throw error;
      fail(ctx, known);
    }
  }

  const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body;
  const id = (ctx: Context) => param(ctx, 'documentId');
  const share = (ctx: Context) => param(ctx, 'shareDocumentId');

  return {
    find: (ctx: Context) => answer(ctx, () => calendars.details(id(ctx), ctx.origin)),
    create: (ctx: Context) => answer(ctx, () => calendars.create(body(ctx), ctx.origin), 201),
    update: (ctx: Context) => answer(ctx, () => calendars.update(id(ctx), body(ctx), ctx.origin)),
    remove: (ctx: Context) => answer(ctx, () => calendars.remove(id(ctx))),
    addShare: (ctx: Context) => answer(ctx, () => calendars.addShare(id(ctx), body(ctx), ctx.origin), 201),
    updateShare: (ctx: Context) => answer(ctx, () => calendars.updateShare(share(ctx), body(ctx), ctx.origin)),
    removeShare: (ctx: Context) => answer(ctx, () => calendars.removeShare(share(ctx), ctx.origin)),
    candidates: (ctx: Context) => answer(ctx, () => calendars.candidates(ctx.query.q)),
    createFeedToken: (ctx: Context) => answer(ctx, () => calendars.setFeedToken(id(ctx), true, ctx.origin)),
    deleteFeedToken: (ctx: Context) => answer(ctx, () => calendars.setFeedToken(id(ctx), false, ctx.origin)),
  };
};
