import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { answer as answerWith, param } from '../admin-api';
import { createCalendarAdmin } from '../calendar-admin';

/** The admin's calendar panel: a calendar's fields, shares and links (server/src/calendar-admin). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const calendars = createCalendarAdmin(strapi);
  const answer = (ctx: Context, action: () => Promise<unknown>, status?: number) => answerWith(ctx, action, { status });

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
