import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { SettingsInputError, type Settings } from '../config/settings';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const settings = () => strapi.plugin('caldav').service('settings') as Settings;

  return {
    async read(ctx: Context): Promise<void> {
      ctx.body = { data: settings().describe() };
    },

    /** Saves the settings sent (null puts one back to the config file's value); all or nothing. */
    async update(ctx: Context): Promise<void> {
      try {
        await settings().save((ctx.request as { body?: unknown }).body);
      } catch (error) {
        if (error instanceof SettingsInputError) return ctx.badRequest(error.message);
        throw error;
      }
      ctx.body = { data: settings().describe() };
    },
  };
};
