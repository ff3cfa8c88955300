import { Calendar, User } from '@strapi/icons';
import type { StrapiApp } from '@strapi/strapi/admin';

import { PLUGIN_ID } from './pluginId';

type TranslationModule = { default: Record<string, string> };

const prefixed = (messages: Record<string, string>) =>
  Object.fromEntries(Object.entries(messages).map(([key, message]) => [`${PLUGIN_ID}.${key}`, message]));

export default {
  register(app: StrapiApp) {
    app.registerPlugin({ id: PLUGIN_ID, name: 'CalDAV & CardDAV' });

    // The calendar workspace: month, week, day and agenda views of every calendar's events.
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}`,
      icon: Calendar,
      intlLabel: { id: `${PLUGIN_ID}.workspace.title`, defaultMessage: 'Calendar' },
      permissions: [{ action: 'plugin::caldav.events.read', subject: null }],
      Component: () => import('./pages/CalendarPage'),
    });

    // Address books and their contacts: a list with search and a card editor.
    app.addMenuLink({
      to: `plugins/${PLUGIN_ID}-contacts`,
      icon: User,
      intlLabel: { id: `${PLUGIN_ID}.contacts.title`, defaultMessage: 'Contacts' },
      permissions: [{ action: 'plugin::caldav.contacts.read', subject: null }],
      Component: () => import('./pages/ContactsPage'),
    });

    // Feed window, sizes, sync retention and sign-in limits, saved over the config file.
    app.addSettingsLink(
      { id: PLUGIN_ID, intlLabel: { id: `${PLUGIN_ID}.plugin.name`, defaultMessage: 'CalDAV & CardDAV' } },
      {
        id: 'settings',
        to: `${PLUGIN_ID}/settings`,
        intlLabel: { id: `${PLUGIN_ID}.settings.link`, defaultMessage: 'Settings' },
        permissions: [{ action: 'plugin::caldav.settings.manage', subject: null }],
        Component: () => import('./pages/SettingsPage'),
      },
    );
    app.addSettingsLink(PLUGIN_ID, {
      id: 'app-passwords',
      to: `${PLUGIN_ID}/app-passwords`,
      intlLabel: { id: `${PLUGIN_ID}.appPasswords.title`, defaultMessage: 'App passwords' },
      permissions: [{ action: 'plugin::caldav.app-passwords.manage', subject: null }],
      Component: () => import('./pages/AppPasswordsPage'),
    });

    app.customFields.register({
      name: 'structured',
      pluginId: PLUGIN_ID,
      type: 'json',
      intlLabel: { id: `${PLUGIN_ID}.structured.label`, defaultMessage: 'Structured value' },
      intlDescription: {
        id: `${PLUGIN_ID}.structured.description`,
        defaultMessage: 'Lists and parts of events and contacts',
      },
      components: {
        Input: async () =>
          import('./components/StructuredInput').then((module) => ({ default: module.StructuredInput })) as never,
      },
    });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const messages = (await import(`./translations/${locale}.json`)) as TranslationModule;
          return { data: prefixed(messages.default), locale };
        } catch {
          return { data: {}, locale };
        }
      }),
    );
  },
};
