import type { Core } from '@strapi/strapi';

import { CALENDAR_UID } from '../uids';
import type { WorkspaceCalendar } from './types';

interface CalendarRow {
  documentId: string;
  name: string;
  slug: string;
  color: string | null;
  timezone: string | null;
  visibility: 'private' | 'public' | null;
  owner: { username: string } | null;
}

/** Every calendar, for editors (admin users see all of them, whoever owns them). */
export async function listCalendars(strapi: Core.Strapi): Promise<WorkspaceCalendar[]> {
  const rows = (await strapi.db.query(CALENDAR_UID as never).findMany({
    select: ['documentId', 'name', 'slug', 'color', 'timezone', 'visibility'],
    populate: { owner: { select: ['username'] } },
    orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
  })) as CalendarRow[];
  return rows.map((row) => ({
    documentId: row.documentId,
    name: row.name,
    slug: row.slug,
    color: row.color,
    timezone: row.timezone,
    visibility: row.visibility ?? 'private',
    owner: row.owner?.username ?? null,
  }));
}
