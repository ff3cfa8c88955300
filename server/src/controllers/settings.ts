import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';

import { describeSourceOptions, SettingsInputError, type Settings } from '../config/settings';

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

    /** The collection types a content source can show, with their attributes, and the roles and locales to choose from. */
    async contentTypes(ctx: Context): Promise<void> {
      ctx.body = { data: await describeSourceOptions(strapi) };
    },
  };
};
