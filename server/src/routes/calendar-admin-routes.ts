import type { FeatureRoutes } from './types';

/** Each route asks for the admin action an editor's role must hold (Settings → Roles → Plugins → CalDAV). */
const allowed = (action: string) => ({ policies: [{ name: 'admin::hasPermissions', config: { actions: [`plugin::caldav.${action}`] } }] });

const routes: FeatureRoutes = {
  contentApi: [],
  // The calendar panel of the admin's calendar page: /caldav/calendars/..., /caldav/shares/...
  admin: [
    { method: 'POST', path: '/calendars', handler: 'calendar-admin.create', config: allowed('calendars.create') },
    { method: 'GET', path: '/calendars/:documentId', handler: 'calendar-admin.find', config: allowed('calendars.read') },
    { method: 'PUT', path: '/calendars/:documentId', handler: 'calendar-admin.update', config: allowed('calendars.update') },
    { method: 'DELETE', path: '/calendars/:documentId', handler: 'calendar-admin.remove', config: allowed('calendars.delete') },
    // Sharing and the secret link change who can read the calendar: the same right as its other settings.
    { method: 'POST', path: '/calendars/:documentId/shares', handler: 'calendar-admin.addShare', config: allowed('calendars.update') },
    { method: 'PUT', path: '/shares/:shareDocumentId', handler: 'calendar-admin.updateShare', config: allowed('calendars.update') },
    { method: 'DELETE', path: '/shares/:shareDocumentId', handler: 'calendar-admin.removeShare', config: allowed('calendars.update') },
    { method: 'GET', path: '/sharing-candidates', handler: 'calendar-admin.candidates', config: allowed('calendars.update') },
    { method: 'POST', path: '/calendars/:documentId/feed-token', handler: 'calendar-admin.createFeedToken', config: allowed('calendars.update') },
    { method: 'DELETE', path: '/calendars/:documentId/feed-token', handler: 'calendar-admin.deleteFeedToken', config: allowed('calendars.update') },
  ],
};

export default routes;
