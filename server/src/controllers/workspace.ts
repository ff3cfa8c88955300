import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { createWorkspaceEvents, listCalendars, listOccurrences, parseWindow, refusal, resolveCalendars, WorkspaceError } from '../workspace';

const param = (ctx: Context, name: string): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

const errorNames: Record<number, string> = { 400: 'ValidationError', 404: 'NotFoundError', 409: 'ConflictError' };

/** Answers in Strapi's error shape, so that the admin's fetch client shows the message. */
function fail(ctx: Context, error: WorkspaceError): void {
  ctx.status = error.status;
  ctx.body = { data: null, error: { status: error.status, name: errorNames[error.status], message: error.message, details: {} } };
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const events = createWorkspaceEvents(strapi);

  /** Runs an action; the workspace's own refusals and the document rules' answer with their message, not a 500. */
  async function answer(ctx: Context, action: () => Promise<unknown>, status = 200): Promise<void> {
    try {
      const data = await action();
      ctx.status = status;
      ctx.body = { data };
    } catch (error) {
      const known = error instanceof WorkspaceError ? error : refusal(error);
      if (!known) throw error;
      fail(ctx, known);
    }
  }

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
