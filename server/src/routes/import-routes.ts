import type { FeatureRoutes } from './types';

const allowed = (...actions: string[]) => ({ name: 'admin::hasPermissions', config: { actions: actions.map((action) => `plugin::caldav.${action}`) } });
// An import both adds and replaces entries.
const canImportEvents = allowed('events.create', 'events.update');
const canImportContacts = allowed('contacts.create', 'contacts.update');

const routes: FeatureRoutes = {
  contentApi: [],
  // Admin panel users: /caldav/...
  admin: [
    { method: 'POST', path: '/calendars/:documentId/import', handler: 'transfers.importCalendar', config: { policies: [canImportEvents] } },
    { method: 'POST', path: '/address-books/:documentId/import', handler: 'transfers.importAddressBook', config: { policies: [canImportContacts] } },
    // A job is shown only to the admin who started it, who had the rights to start it.
    { method: 'GET', path: '/imports/:jobId', handler: 'transfers.importStatus' },
    { method: 'GET', path: '/calendars/:documentId/export', handler: 'transfers.exportCalendar', config: { policies: [allowed('events.read')] } },
    { method: 'GET', path: '/address-books/:documentId/export', handler: 'transfers.exportAddressBook', config: { policies: [allowed('contacts.read')] } },
  ],
};

export default routes;
