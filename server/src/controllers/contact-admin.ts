import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { answer as answerWith, param } from '../admin-api';
import { createContactAdmin, STALE_MESSAGE } from '../contact-admin';

/** Admin panel: the contacts page's address books and contacts (server/src/contact-admin). */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const admin = createContactAdmin(strapi);
  const answer = (ctx: Context, action: () => Promise<unknown>, status?: number, wrap?: boolean) =>
    answerWith(ctx, action, { status, wrap, staleMessage: STALE_MESSAGE });

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
