import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { ContactAdminError, createContactAdmin, refusal } from '../contact-admin';

const param = (ctx: Context, name: string): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

const errorNames: Record<number, string> = { 400: 'ValidationError', 404: 'NotFoundError', 409: 'ConflictError' };

/** Admin panel: the contacts page's address books and contacts (server/src/contact-admin). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const admin = createContactAdmin(strapi);

  /** Runs an action; refusals answer in Strapi's error shape with their message (the admin's fetch client shows it). */
  async function answer(ctx: Context, action: () => Promise<unknown>, status = 200, wrap = true): Promise<void> {
    try {
      const result = await action();
      ctx.status = status;
      ctx.body = wrap ? { data: result } : result;
    } catch (error) {
      const known = error instanceof ContactAdminError ? error : refusal(error);
      if (!known) throw error;
      ctx.status = known.status;
      ctx.body = { data: null, error: { status: known.status, name: errorNames[known.status], message: known.message, details: {} } };
    }
  }

  const body = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body;
  const query = (ctx: Context) => ctx.query as Record<string, unknown>;

  return {
    addressBooks: (ctx: Context) => answer(ctx, () => admin.addressBooks()),
    // Already { data, meta }, as Strapi's own lists answer.
    contacts: (ctx: Context) => answer(ctx, () => admin.contacts(param(ctx, 'documentId'), query(ctx)), 200, false),
    contact: (ctx: Context) => answer(ctx, () => admin.contact(param(ctx, 'documentId'))),
    create: (ctx: Context) => answer(ctx, () => admin.create(param(ctx, 'documentId'), body(ctx)), 201),
    update: (ctx: Context) => answer(ctx, () => admin.update(param(ctx, 'documentId'), body(ctx))),
    remove: (ctx: Context) => answer(ctx, () => admin.remove(param(ctx, 'documentId'), query(ctx))),
  };
};
