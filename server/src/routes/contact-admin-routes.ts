import type { FeatureRoutes } from './types';

/** Each route asks for the admin action an editor's role must hold (Settings → Roles → Plugins → CalDAV). */
const allowed = (action: string) => ({ policies: [{ name: 'admin::hasPermissions', config: { actions: [`plugin::caldav.${action}`] } }] });

const routes: FeatureRoutes = {
  contentApi: [],
  // The admin's contacts page: /caldav/address-books, /caldav/contacts/...
  admin: [
    { method: 'GET', path: '/address-books', handler: 'contact-admin.addressBooks', config: allowed('contacts.read') },
    { method: 'GET', path: '/address-books/:documentId/contacts', handler: 'contact-admin.contacts', config: allowed('contacts.read') },
    { method: 'POST', path: '/address-books/:documentId/contacts', handler: 'contact-admin.create', config: allowed('contacts.create') },
    { method: 'GET', path: '/contacts/:documentId', handler: 'contact-admin.contact', config: allowed('contacts.read') },
    { method: 'PUT', path: '/contacts/:documentId', handler: 'contact-admin.update', config: allowed('contacts.update') },
    { method: 'DELETE', path: '/contacts/:documentId', handler: 'contact-admin.remove', config: allowed('contacts.delete') },
  ],
};

export default routes;
