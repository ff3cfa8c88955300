/** The admin's calendar workspace: calendars, their occurrences in a window, and editors' writes to events. */
export { listCalendars } from './calendars';
export { listOccurrences, parseWindow, resolveCalendars, MAX_WINDOW_DAYS } from './occurrences';
export type { EventStatus, WorkspaceCalendar, WorkspaceOccurrence } from './types';
export { createWorkspaceEvents, type WriteResult } from './events';
export { STALE_MESSAGE } from './errors';
