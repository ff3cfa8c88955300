import type { Core } from '@strapi/strapi';

import { createDavMiddleware } from './middlewares/dav';
import { createHttpPolicyMiddleware } from './middlewares/http-policy';
import { registerChangeTracking } from './middlewares/change-tracking';
import { registerDocumentRules } from './middlewares/document-rules';
import { registerAccessRules } from './middlewares/access-rules';
import { registerOccurrencesQuery } from './occurrences/graphql';

export default function register({ strapi }: { strapi: Core.Strapi }): void {
  // JSON lists edited with the plugin's own input in the Content Manager (emails, phones, addresses, categories...).
  strapi.customFields.register({ name: 'structured', plugin: 'caldav', type: 'json' });

  registerDocumentRules(strapi);
  registerAccessRules(strapi);
  registerChangeTracking(strapi);
  // Security headers and CORS for the plugin's answers, which Strapi's own middlewares never see.
  strapi.server.use(createHttpPolicyMiddleware(strapi));
  strapi.server.use(createDavMiddleware(strapi));
  // The occurrences API in GraphQL, where the site has Strapi's GraphQL plugin.
  registerOccurrencesQuery(strapi);
}
