import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import type { Scheduler } from '../dav/backend';
import { createCalendarBackend } from '../store/calendar-backend';
import { createSchedulingStore } from '../store/scheduling-store';
import { createInvitationMailer } from './imip';
import { createScheduler } from './scheduler';

/** Scheduling over the site's own calendars, its users and its email plugin. */
export function createSiteScheduler(strapi: Core.Strapi): Scheduler {
  return createScheduler({
    calendars: createCalendarBackend(strapi),
    store: createSchedulingStore(strapi),
    mailer: createInvitationMailer(strapi, () => (strapi.config.get('plugin::caldav') as PluginConfig).scheduling.email),
    log: strapi.log,
  });
}
