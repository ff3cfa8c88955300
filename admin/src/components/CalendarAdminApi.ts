import { useMemo } from 'react';
import { useFetchClient, useRBAC } from '@strapi/strapi/admin';

import type {
  CalendarDetails,
  CalendarFieldsInput,
  ShareAccess,
  SharingCandidates,
} from '../../../server/src/calendar-admin/types';

/** The calendar panel's admin API (server/src/calendar-admin) and the import/export routes (server/src/transfers). */

export type { CalendarDetails, CalendarFieldsInput, CalendarLinks, CalendarShare, CandidateRole, CandidateUser, ShareAccess, SharingCandidates } from '../../../server/src/calendar-admin/types';

export interface ImportSummary {
  created: number;
  updated: number;
  skipped: Array<{ uid: string | null; reason: string }>;
  total: number;
}

export interface ImportJob {
  status: 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  summary: ImportSummary;
  error: string | null;
}

export function useCalendarAdminApi() {
  const { get, post, put, del } = useFetchClient();
  return useMemo(
    () => ({
      calendar: async (documentId: string) => (await get<{ data: CalendarDetails }>(`/caldav/calendars/${documentId}`)).data.data,
      create: async (fields: CalendarFieldsInput) => (await post<{ data: CalendarDetails }>('/caldav/calendars', fields)).data.data,
      update: async (documentId: string, fields: CalendarFieldsInput) => (await put<{ data: CalendarDetails }>(`/caldav/calendars/${documentId}`, fields)).data.data,
      remove: async (documentId: string) => {
        await del(`/caldav/calendars/${documentId}`);
      },
      addShare: async (documentId: string, to: { user: string } | { role: string }, access: ShareAccess) =>
        (await post<{ data: CalendarDetails }>(`/caldav/calendars/${documentId}/shares`, { ...to, access })).data.data,
      updateShare: async (shareId: string, access: ShareAccess) => (await put<{ data: CalendarDetails }>(`/caldav/shares/${shareId}`, { access })).data.data,
      removeShare: async (shareId: string) => (await del<{ data: CalendarDetails }>(`/caldav/shares/${shareId}`)).data.data,
      candidates: async (q: string, signal?: AbortSignal) => (await get<{ data: SharingCandidates }>('/caldav/sharing-candidates', { params: { q }, signal })).data.data,
      createFeedToken: async (documentId: string) => (await post<{ data: CalendarDetails }>(`/caldav/calendars/${documentId}/feed-token`)).data.data,
      deleteFeedToken: async (documentId: string) => (await del<{ data: CalendarDetails }>(`/caldav/calendars/${documentId}/feed-token`)).data.data,
      // The fetch client sends a FormData as it is; the import route takes a multipart form's single file.
      startImport: async (documentId: string, file: File) => {
        const form = new FormData();
        form.append('file', file, file.name);
        return (await post<{ data: { jobId: string } }>(`/caldav/calendars/${documentId}/import`, form)).data.data.jobId;
      },
      importStatus: async (jobId: string) => (await get<{ data: ImportJob }>(`/caldav/imports/${jobId}`)).data.data,
      exportFile: async (documentId: string) => (await get<Blob>(`/caldav/calendars/${documentId}/export`, { responseType: 'blob' })).data,
    }),
    [get, post, put, del],
  );
}

export type CalendarAdminApi = ReturnType<typeof useCalendarAdminApi>;

// useRBAC names each answer after the action's last part (canRead...): calendars and events are asked apart.
const calendarPermissions = {
  read: [{ action: 'plugin::caldav.calendars.read', subject: null }],
  create: [{ action: 'plugin::caldav.calendars.create', subject: null }],
  update: [{ action: 'plugin::caldav.calendars.update', subject: null }],
  delete: [{ action: 'plugin::caldav.calendars.delete', subject: null }],
};
const eventPermissions = {
  read: [{ action: 'plugin::caldav.events.read', subject: null }],
  create: [{ action: 'plugin::caldav.events.create', subject: null }],
  update: [{ action: 'plugin::caldav.events.update', subject: null }],
};

export interface CalendarPermissions {
  canRead: boolean;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  /** An import both adds and replaces events. */
  canImport: boolean;
  canExport: boolean;
}

/** What the editor's admin role allows on calendars; the server checks the same actions on every route. */
export function useCalendarPermissions(): CalendarPermissions {
  const calendars = useRBAC(calendarPermissions).allowedActions;
  const events = useRBAC(eventPermissions).allowedActions;
  return {
    canRead: calendars.canRead === true,
    canCreate: calendars.canCreate === true,
    canUpdate: calendars.canUpdate === true,
    canDelete: calendars.canDelete === true,
    canImport: events.canCreate === true && events.canUpdate === true,
    canExport: events.canRead === true,
  };
}
