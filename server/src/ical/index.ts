/**
 * The iCalendar layer: pure functions over iCalendar text (no Strapi, no database). ical.js does all parsing,
 * recurrence arithmetic and serialization.
 */
export {
  CalendarObjectError,
  componentTypes,
  eventStatuses,
  type BusyPeriod,
  type CalendarObject,
  type CalendarPrecondition,
  type ComponentType,
  type EventFields,
  type EventStatus,
} from './types';
export { parseCalendarObject, MIN_DATE_TIME, MAX_DATE_TIME, MAX_INSTANCES } from './calendar-object';
export { matchesCalendarFilter, quickTimeRangeMatch } from './filter';
export { renderCalendarData, MAX_EXPANDED_INSTANCES } from './render';
export { busyPeriods, freeBusyCalendar } from './freebusy';
export { buildCalendarObject, PRODUCT_ID, type EventInput } from './build';
export { vtimezoneFor, isIanaTimeZone, ianaNameForTzid } from './timezones';
export { timezoneIdOfCalendar } from './calendar-timezone';
export { EXPANSION_STEPS } from './occurrences';
