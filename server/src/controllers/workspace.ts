import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { answer as answerWith, param } from '../admin-api';
import { createWorkspaceEvents, listCalendars, listOccurrences, parseWindow, resolveCalendars, STALE_MESSAGE } from '../workspace';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const events = createWorkspaceEvents(strapi);
  const answer = (ctx: Context, action: () => Promise<unknown>, status?: number) =>
    answerWith(ctx, action, { status, staleMessage: STALE_MESSAGE });

  const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body;

  return {
    calendars: (ctx: Context) => answer(ctx, () => listCalendars(strapi)),

    occurrences: (ctx: Context) =>
      answer(ctx, async () => {
        const window = parseWindow(ctx.query.start, ctx.query.end);
        return listOccurrences(strapi, await resolveCalendars(strapi, ctx.query.calendars), window);
      }),

    create: (ctx: Context) => answer(ctx, () => events.create(body(ctx)), 201),
    update: (ctx: Context) => answer(ctx, () => events.update(param(ctx, 'documentId'), body(ctx))),
    remove: (ctx: Context) => answer(ctx, () => events.remove(param(ctx, 'documentId'), ctx.query as Record<string, unknown>)),
    publish: (ctx: Context) => answer(ctx, () => events.publish(param(ctx, 'documentId'))),
    unpublish: (ctx: Context) => answer(ctx, () => events.unpublish(param(ctx, 'documentId'))),
  };
};
