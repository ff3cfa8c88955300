import type { Core } from '@strapi/strapi';

import type { Settings } from './config/settings';
import { announceWaitingWrites } from './store/event-writes';

export default async function destroy({ strapi }: { strapi: Core.Strapi }): Promise<void> {
  (strapi.plugin('caldav').service('settings') as Settings).stop();
  // Before Strapi closes its event hub and database: the webhooks of the last client writes still go out.
  await announceWaitingWrites(strapi);
}
