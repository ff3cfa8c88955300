import { useMemo } from 'react';
import { isFetchError, useFetchClient } from '@strapi/strapi/admin';

import type { Times } from './time';

/** The workspace admin API (server/src/workspace): what the calendar page reads and writes. */

import type {
  EventAttendee as Attendee,
  EventOrganizer as Organizer,
  EventStatus,
  WorkspaceCalendar as Calendar,
  WorkspaceOccurrence as Occurrence,
} from '../../../server/src/workspace/types';

export type { Attendee, Calendar, EventStatus, Occurrence, Organizer };

export type Scope = 'all' | 'this' | 'following';

export interface EventFields extends Partial<Times> {
  calendar?: string;
  summary?: string | null;
  location?: string | null;
  description?: string | null;
  timezone?: string | null;
  rrule?: string | null;
}

export interface Written {
  documentId: string;
  etag: string | null;
  status: EventStatus | 'deleted';
  created?: string;
}

const base = '/caldav/workspace';

export function useWorkspaceApi() {
  const { get, post, put, del } = useFetchClient();
  return useMemo(
    () => ({
      calendars: async () => (await get<{ data: Calendar[] }>(`${base}/calendars`)).data.data,
      occurrences: async (start: string, end: string, calendars: string[], signal?: AbortSignal) =>
        (await get<{ data: Occurrence[] }>(`${base}/occurrences`, { params: { start, end, calendars: calendars.join(',') }, signal })).data.data,
      create: async (fields: EventFields, publish: boolean) => (await post<{ data: Written }>(`${base}/events`, { ...fields, publish })).data.data,
      update: async (documentId: string, body: EventFields & { etag: string; scope?: Scope; recurrenceId?: string | null; publish: boolean }) =>
        (await put<{ data: Written }>(`${base}/events/${documentId}`, body)).data.data,
      remove: async (documentId: string, params: { etag?: string; scope?: Scope; recurrenceId?: string }) =>
        (await del<{ data: Written }>(`${base}/events/${documentId}`, { params })).data.data,
      publish: async (documentId: string) => (await post<{ data: Written }>(`${base}/events/${documentId}/publish`)).data.data,
      unpublish: async (documentId: string) => (await post<{ data: Written }>(`${base}/events/${documentId}/unpublish`)).data.data,
    }),
    [get, post, put, del],
  );
}

export type WorkspaceApi = ReturnType<typeof useWorkspaceApi>;

/** The server's message for a refused request (it always sends one), else the error's own. */
export function errorMessage(error: unknown): string {
  if (isFetchError(error)) return error.response?.data?.error?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** True when a calendar app changed the event since the editor loaded it. */
export function isConflict(error: unknown): boolean {
  return isFetchError(error) && (error.status === 409 || error.response?.data?.error?.status === 409);
}
