export const PLUGIN_ID = 'caldav';
