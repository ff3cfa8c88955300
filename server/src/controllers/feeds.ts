import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import type { PluginConfig } from '../config';
import { feedLinks, siteOrigin } from '../feeds/links';
import { createFeedStore, newFeedToken, type FeedCalendar } from '../feeds/store';

/** The signed-in users-permissions user of a content-API request (an API token has none). */
function signedInUser(ctx: Context): { id: number; username: string } | null {
  const user = (ctx.state as { user?: { id?: unknown; username?: unknown } }).user;
  return user && typeof user.id === 'number' && typeof user.username === 'string' ? { id: user.id, username: user.username } : null;
}

const slugParam = (ctx: Context): string => {
  const value = (ctx.params as Record<string, unknown> | undefined)?.slug;
  return typeof value === 'string' ? value : '';
};

/** The signed-in user's calendar feed links, and the secret link of each of their calendars. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const store = createFeedStore(strapi);
  const { basePath } = strapi.config.get('plugin::caldav') as PluginConfig;

  const links = (ctx: Context, username: string, calendar: FeedCalendar) =>
    feedLinks(siteOrigin(strapi.config.get('server.url'), ctx.origin), basePath, username, calendar);
  const noUser = (ctx: Context) => ctx.unauthorized('Feed links belong to a calendar owner: sign in with a users-permissions JWT.');
  // Someone else's calendar answers exactly like one that does not exist.
  const noCalendar = (ctx: Context) => ctx.notFound(`You have no calendar "${slugParam(ctx)}".`);

  return {
    async list(ctx: Context): Promise<void> {
      const user = signedInUser(ctx);
      if (!user) return noUser(ctx);
      const calendars = await store.ownCalendars(user.id);
      ctx.body = { data: calendars.map((calendar) => links(ctx, user.username, calendar)) };
    },

    /** Creates the calendar's secret link, or replaces it: the previous link stops working at once. */
    async createToken(ctx: Context): Promise<void> {
      const user = signedInUser(ctx);
      if (!user) return noUser(ctx);
      const calendar = await store.ownCalendar(user.id, slugParam(ctx));
      if (!calendar) return noCalendar(ctx);
      ctx.body = { data: links(ctx, user.username, await store.setToken(calendar, newFeedToken())) };
    },

    async deleteToken(ctx: Context): Promise<void> {
      const user = signedInUser(ctx);
      if (!user) return noUser(ctx);
      const calendar = await store.ownCalendar(user.id, slugParam(ctx));
      if (!calendar) return noCalendar(ctx);
      ctx.body = { data: links(ctx, user.username, await store.setToken(calendar, null)) };
    },
  };
};
