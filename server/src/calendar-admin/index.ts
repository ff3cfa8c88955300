/** The admin's calendar panel: a calendar's fields, shares, feed links and secret link. */
export { createCalendarAdmin, fieldsOf, slugOf, MAX_CANDIDATES, type CalendarAdmin } from './service';
export type * from './types';
