import type { Core } from '@strapi/strapi';

export default async function bootstrap({ strapi }: { strapi: Core.Strapi }): Promise<void> {
  const { basePath } = strapi.config.get('plugin::caldav') as { basePath: string };
  strapi.log.info(`caldav: CalDAV/CardDAV served under ${basePath}/`);
}
