/** The admin's calendar workspace: calendars, their occurrences in a window, and editors' writes to events. */
export { listCalendars, type WorkspaceCalendar } from './calendars';
export { listOccurrences, parseWindow, resolveCalendars, MAX_WINDOW_DAYS, type WorkspaceOccurrence } from './occurrences';
export { createWorkspaceEvents, refusal, type WriteResult } from './events';
export { WorkspaceError, STALE_MESSAGE } from './errors';
