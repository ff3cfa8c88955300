import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { AppPasswordInputError, createAppPasswordStore, findUser, searchUsers } from '../auth/app-passwords';

/** The `name` of a JSON object body; anything else is the caller's mistake, said in plain words. */
function nameFromBody(ctx: Context): unknown {
  const body = (ctx.request as { body?: unknown }).body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppPasswordInputError('Send a JSON object with the name of the app, e.g. {"name": "Phone calendar"}.');
  }
  return (body as Record<string, unknown>).name;
}

const param = (ctx: Context, name: string): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/** The signed-in users-permissions user of a content-API request (an API token has none). */
const signedInUser = (ctx: Context) => (ctx.state as { user?: { id?: unknown; documentId?: unknown } }).user;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = createAppPasswordStore(strapi);

  async function create(ctx: Context, owner: { documentId: string }): Promise<void> {
    try {
      const created = await store.create(owner, nameFromBody(ctx));
      ctx.status = 201;
      ctx.body = { data: created };
    } catch (error) {
      if (error instanceof AppPasswordInputError) return ctx.badRequest(error.message);
      throw error;
    }
  }

  /** Content API: the signed-in user's own passwords. */
  const owner = (ctx: Context): { id: number; documentId: string } | null => {
    const user = signedInUser(ctx);
    return user && typeof user.id === 'number' && typeof user.documentId === 'string' ? { id: user.id, documentId: user.documentId } : null;
  };
  const noUser = (ctx: Context) => ctx.unauthorized('App passwords belong to a user: sign in with a users-permissions JWT.');

  return {
    async list(ctx: Context): Promise<void> {
      const user = owner(ctx);
      if (!user) return noUser(ctx);
      ctx.body = { data: await store.list(user.id) };
    },

    async create(ctx: Context): Promise<void> {
      const user = owner(ctx);
      if (!user) return noUser(ctx);
      await create(ctx, user);
    },

    async revoke(ctx: Context): Promise<void> {
      const user = owner(ctx);
      if (!user) return noUser(ctx);
      // Someone else's password answers exactly like one that does not exist.
      if (!(await store.revoke(param(ctx, 'documentId'), user.id))) return ctx.notFound('No such app password.');
      ctx.status = 204;
    },

    /** Admin panel: users to pick from, for support staff. */
    async searchUsers(ctx: Context): Promise<void> {
      try {
        ctx.body = { data: await searchUsers(strapi, (ctx.query as Record<string, unknown>).q) };
      } catch (error) {
        if (error instanceof AppPasswordInputError) return ctx.badRequest(error.message);
        throw error;
      }
    },

    /** Admin panel: any user's passwords, for support staff. */
    async listForUser(ctx: Context): Promise<void> {
      const user = await findUser(strapi, param(ctx, 'userId'));
      if (!user) return ctx.notFound(`No user with id "${param(ctx, 'userId')}".`);
      ctx.body = { data: await store.list(user.id) };
    },

    async createForUser(ctx: Context): Promise<void> {
      const user = await findUser(strapi, param(ctx, 'userId'));
      if (!user) return ctx.notFound(`No user with id "${param(ctx, 'userId')}".`);
      await create(ctx, user);
    },

    async revokeAny(ctx: Context): Promise<void> {
      if (!(await store.revoke(param(ctx, 'documentId')))) return ctx.notFound('No such app password.');
      ctx.status = 204;
    },
  };
};
