import type { Core } from '@strapi/strapi';

import type { Settings } from './config/settings';

export default function destroy({ strapi }: { strapi: Core.Strapi }): void {
  (strapi.plugin('caldav').service('settings') as Settings).stop();
}
