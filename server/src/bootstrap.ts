import type { Core } from '@strapi/strapi';

import type { PluginConfig } from './config';
import type { Settings } from './config/settings';
import { registerAdminActions } from './auth/admin-actions';
import { grantDefaultPermissions } from './auth/default-permissions';
import { registerAccountCleanup } from './middlewares/account-cleanup';
import { loadSources, warnOfShadowedCollections } from './sources';
import { createChangeLog } from './store/change-log';
import { boundConnectionWait } from './store/outage';
import { fillSpanClasses } from './store/span-classes';
import { applySqliteJournalMode, cachePreparedStatements } from './store/sqlite-tuning';

export default async function bootstrap({ strapi }: { strapi: Core.Strapi }): Promise<void> {
  // Settings saved on the admin's settings page apply over the config file, in every process.
  await (strapi.plugin('caldav').service('settings') as Settings).start();
  const { basePath, sqliteWriteAheadLog, sqliteSynchronous } = strapi.config.get('plugin::caldav') as PluginConfig;
  // The site's own collection types as calendars and address books: a wrong mapping stops the boot, naming it.
  loadSources(strapi);
  await applySqliteJournalMode(strapi, sqliteWriteAheadLog, sqliteSynchronous);
  cachePreparedStatements(strapi);
  boundConnectionWait(strapi, (strapi.config.get('plugin::caldav') as PluginConfig).databaseWaitSeconds);
  // Nightly pruning of the sync log, for sites that enable Strapi's cron (server.cron.enabled); writes prune too.
  strapi.cron.add({
    caldavPruneSyncLog: {
      task: async () => {
        await createChangeLog(strapi).prune((strapi.config.get('plugin::caldav') as PluginConfig).syncRetentionDays);
      },
      options: { rule: '30 3 * * *' },
    },
  });
  registerAccountCleanup(strapi);
  const filled = await fillSpanClasses(strapi);
  if (filled > 0) strapi.log.info(`caldav: indexed the time spans of ${filled} stored events`);
  await warnOfShadowedCollections(strapi);
  await grantDefaultPermissions(strapi);
  await registerAdminActions(strapi);
  strapi.log.info(`caldav: CalDAV/CardDAV served under ${basePath}/`);
}
