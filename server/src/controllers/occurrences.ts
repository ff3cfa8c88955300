import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { answer } from '../admin-api';
import { createOccurrenceService } from '../occurrences';

/** The signed-in users-permissions user of a content-API request; null for anonymous callers and API tokens. */
export function contentApiUserId(state: unknown): number | null {
  const user = (state as { user?: { id?: unknown } } | undefined)?.user;
  return typeof user?.id === 'number' ? user.id : null;
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const occurrences = createOccurrenceService(strapi);
  return {
    find: (ctx: Context) => answer(ctx, () => occurrences.find(ctx.query as Record<string, unknown>, contentApiUserId(ctx.state)), { wrap: false }),
  };
};
