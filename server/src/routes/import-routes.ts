import type { FeatureRoutes } from './types';

const allowed = (...actions: string[]) => ({ name: 'admin::hasPermissions', config: { actions: actions.map((action) => `plugin::caldav.${action}`) } });
// An import both adds and replaces events (or contacts: address books share the events' actions).
const canImport = allowed('events.create', 'events.update');
const canExport = allowed('events.read');

const routes: FeatureRoutes = {
  contentApi: [],
  // Admin panel users: /caldav/...
  admin: [
    { method: 'POST', path: '/calendars/:documentId/import', handler: 'transfers.importCalendar', config: { policies: [canImport] } },
    { method: 'POST', path: '/address-books/:documentId/import', handler: 'transfers.importAddressBook', config: { policies: [canImport] } },
    { method: 'GET', path: '/imports/:jobId', handler: 'transfers.importStatus', config: { policies: [canImport] } },
    { method: 'GET', path: '/calendars/:documentId/export', handler: 'transfers.exportCalendar', config: { policies: [canExport] } },
    { method: 'GET', path: '/address-books/:documentId/export', handler: 'transfers.exportAddressBook', config: { policies: [canExport] } },
  ],
};

export default routes;
