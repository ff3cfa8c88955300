import { useMemo } from 'react';
import { isFetchError, useAuth, useFetchClient } from '@strapi/strapi/admin';

/** The contacts admin API (server/src/contact-admin) and the import/export routes (server/src/transfers). */

import type {
  AdminAddressBook as AddressBook,
  ContactDetail,
  ContactInput,
  ContactPhoto,
  ContactSummary,
  Pagination,
  PostalAddress,
  StructuredName,
  TypedValue,
} from '../../../server/src/contact-admin/types';

export type { AddressBook, ContactDetail, ContactInput, ContactPhoto, ContactSummary, Pagination, PostalAddress, StructuredName, TypedValue };

export interface ImportJob {
  status: 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  summary: { created: number; updated: number; skipped: Array<{ uid: string | null; reason: string }>; total: number };
  error: string | null;
}

export interface UploadedFile {
  id: number;
  name: string;
  url: string;
  mime: string;
  formats?: Record<string, { url: string } | undefined> | null;
}

/** A media library URL as the browser can load it: relative ones are served by the Strapi backend. */
export function mediaUrl(url: string): string {
  if (/^https?:\/\//.test(url)) return url;
  return `${backendUrl()}${url}`;
}

const backendUrl = () => (window as unknown as { strapi?: { backendURL?: string } }).strapi?.backendURL ?? '';

export function useContactsApi() {
  const { get, post, put, del } = useFetchClient();
  const token = useAuth('ContactsPage', (state) => state.token);
  return useMemo(
    () => ({
      addressBooks: async () => (await get<{ data: AddressBook[] }>('/caldav/address-books')).data.data,
      contacts: async (book: string, params: { q: string; page: number; pageSize: number }, signal?: AbortSignal) =>
        (await get<{ data: ContactSummary[]; meta: { pagination: Pagination } }>(`/caldav/address-books/${book}/contacts`, { params, signal })).data,
      contact: async (documentId: string) => (await get<{ data: ContactDetail }>(`/caldav/contacts/${documentId}`)).data.data,
      create: async (book: string, fields: ContactInput) => (await post<{ data: ContactDetail }>(`/caldav/address-books/${book}/contacts`, fields)).data.data,
      update: async (documentId: string, fields: ContactInput & { etag: string }) => (await put<{ data: ContactDetail }>(`/caldav/contacts/${documentId}`, fields)).data.data,
      remove: async (documentId: string, etag: string | null) =>
        (await del<{ data: { documentId: string } }>(`/caldav/contacts/${documentId}`, { params: etag ? { etag } : {} })).data.data,
      /** An image into the media library (the upload plugin's admin route), for the contact's photo. */
      uploadPhoto: async (file: File) => {
        const form = new FormData();
        form.append('files', file);
        form.append('fileInfo', JSON.stringify({ name: file.name, alternativeText: file.name }));
        return (await post<UploadedFile[]>('/upload', form)).data[0];
      },
      /**
       * The raw file as the body (the fetch client would send it as JSON): the import route reads an octet stream
       * itself, without the body parser's size limit.
       */
      startImport: async (book: string, file: File) => {
        const response = await fetch(`${backendUrl()}/caldav/address-books/${book}/import`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token ?? ''}`, 'Content-Type': 'application/octet-stream' },
          body: file,
        });
        const answer = (await response.json().catch(() => null)) as { data?: { jobId?: string }; error?: { message?: string } } | null;
        if (!response.ok || !answer?.data?.jobId) throw new Error(answer?.error?.message ?? `The import was refused (${response.status}).`);
        return answer.data.jobId;
      },
      importStatus: async (jobId: string) => (await get<{ data: ImportJob }>(`/caldav/imports/${jobId}`)).data.data,
      exportFile: async (book: string) => (await get<Blob>(`/caldav/address-books/${book}/export`, { responseType: 'blob' })).data,
    }),
    [get, post, put, del, token],
  );
}

export type ContactsApi = ReturnType<typeof useContactsApi>;

/** The server's message for a refused request (it always sends one), else the error's own. */
export function errorMessage(error: unknown): string {
  if (isFetchError(error)) return error.response?.data?.error?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** True when a contacts app changed the contact since the editor loaded it. */
export function isConflict(error: unknown): boolean {
  return isFetchError(error) && (error.status === 409 || error.response?.data?.error?.status === 409);
}
