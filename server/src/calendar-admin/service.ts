/**
 * The calendar panel of the admin: one calendar's fields, shares and links, and editors' changes to them. Every
 * write goes through the document service, so the plugin's document and access rules, the change log and other
 * plugins see it as they see the Content Manager's.
 */
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import type { CalendarInfo } from '../dav/backend';
import { feedLinks, siteOrigin } from '../feeds/links';
import { createFeedStore, newFeedToken } from '../feeds/store';
import { createCalendarBackend } from '../store/calendar-backend';
import { CALENDAR_UID, ROLE_UID, SHARE_UID, USER_UID } from '../uids';
import { badRequest, notFound, refusal } from '../admin-api';
import type { CalendarDetails, CalendarFieldsInput, CalendarShare, CandidateRole, CandidateUser, ShareAccess, SharingCandidates } from './types';

type Body = Record<string, unknown>;

interface CalendarRow {
  id: number;
  documentId: string;
  name: string;
  slug: string;
  color: string | null;
  description: string | null;
  timezone: string | null;
  visibility: string | null;
  components: unknown;
  feedToken: string | null;
  owner: { documentId: string; username: string } | null;
  shares?: Array<{
    documentId: string;
    access: ShareAccess;
    user: CandidateUser | null;
    role: CandidateRole | null;
  }>;
}

/** At most this many users answer a search: the picker shows a short list, the editor types more to narrow it. */
export const MAX_CANDIDATES = 20;

const FIELDS = ['name', 'slug', 'color', 'description', 'timezone', 'visibility', 'owner'] as const;
const SLUG = /^[A-Za-z0-9._~-]+$/;
const ACCESS: ShareAccess[] = ['read', 'read-write'];

function objectBody(body: unknown, example: string): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`Send a JSON object, e.g. ${example}.`);
  return body as Body;
}

function text(body: Body, name: string, { nullable, limit }: { nullable: boolean; limit: number }): string | null | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (value === null || (typeof value === 'string' && value.trim() === '')) {
    if (nullable) return null;
    throw badRequest(`"${name}" must not be empty.`);
  }
  if (typeof value !== 'string') throw badRequest(`"${name}" must be text.`);
  if (value.length > limit) throw badRequest(`"${name}" is too long: at most ${limit} characters.`);
  return value.trim();
}

/** The editor's fields, checked for shape here; their values (color, time zone...) are the document rules' to judge. */
export function fieldsOf(body: unknown, allowSlug: boolean): CalendarFieldsInput {
  const input = objectBody(body, '{"name": "Team", "color": "#10B981", "timezone": "Europe/Berlin", "visibility": "private"}');
  const allowed: readonly string[] = allowSlug ? FIELDS : FIELDS.filter((field) => field !== 'slug');
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw badRequest(`Unknown field "${key}": a calendar's fields here are ${allowed.map((field) => `"${field}"`).join(', ')}.`);
  }
  const fields: CalendarFieldsInput = {};
  const name = text(input, 'name', { nullable: false, limit: 255 });
  if (name) fields.name = name;
  const slug = text(input, 'slug', { nullable: false, limit: 255 });
  if (slug) {
    if (!SLUG.test(slug)) throw badRequest(`"slug" may contain only letters, digits and . _ ~ - (it is part of the calendar's URL): "${slug}".`);
    fields.slug = slug;
  }
  const color = text(input, 'color', { nullable: false, limit: 9 });
  if (color) fields.color = color;
  const description = text(input, 'description', { nullable: true, limit: 10_000 });
  if (description !== undefined) fields.description = description;
  const timezone = text(input, 'timezone', { nullable: true, limit: 64 });
  if (timezone !== undefined) fields.timezone = timezone;
  if (input.visibility !== undefined) {
    if (input.visibility !== 'private' && input.visibility !== 'public') throw badRequest('"visibility" must be "private" or "public".');
    fields.visibility = input.visibility;
  }
  const owner = text(input, 'owner', { nullable: false, limit: 255 });
  if (owner) fields.owner = owner;
  return fields;
}

/** A slug made of the name, for a new calendar whose editor gave none. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'calendar';
}

const calendarSelect = ['id', 'documentId', 'name', 'slug', 'color', 'description', 'timezone', 'visibility', 'components', 'feedToken'];
const calendarPopulate = {
  owner: { select: ['documentId', 'username'] },
  shares: {
    select: ['documentId', 'access'],
    populate: { user: { select: ['documentId', 'username', 'email'] }, role: { select: ['documentId', 'name', 'type'] } },
  },
};

export function createCalendarAdmin(strapi: Core.Strapi) {
  const calendars = () => strapi.db.query(CALENDAR_UID as never);
  const shares = () => strapi.db.query(SHARE_UID as never);
  const feedStore = createFeedStore(strapi);
  const backend = createCalendarBackend(strapi);
  const basePath = () => (strapi.config.get('plugin::caldav') as PluginConfig).basePath;

  async function row(documentId: string): Promise<CalendarRow> {
    const found = (await calendars().findOne({ select: calendarSelect, where: { documentId }, populate: calendarPopulate })) as CalendarRow | null;
    if (!found) throw notFound(`There is no calendar with documentId "${documentId}".`);
    return found;
  }

  /** The calendar as the panel shows it; `requestOrigin` makes the links absolute when `server.url` does not. */
  async function details(documentId: string, requestOrigin: string): Promise<CalendarDetails> {
    const calendar = await row(documentId);
    const visibility = calendar.visibility === 'public' ? 'public' : 'private';
    const links = feedLinks(siteOrigin(strapi.config.get('server.url'), requestOrigin), basePath(), calendar.owner?.username ?? '', {
      slug: calendar.slug,
      name: calendar.name,
      visibility,
      feedToken: calendar.feedToken,
    } as Parameters<typeof feedLinks>[3]);
    const shareList: CalendarShare[] = (calendar.shares ?? [])
      .map((share) => ({ documentId: share.documentId, access: share.access, user: share.user ?? null, role: share.role ?? null }))
      .sort((a, b) => (a.user?.username ?? a.role?.name ?? '').localeCompare(b.user?.username ?? b.role?.name ?? ''));
    return {
      documentId: calendar.documentId,
      name: calendar.name,
      slug: calendar.slug,
      color: calendar.color,
      description: calendar.description,
      timezone: calendar.timezone,
      visibility,
      components: Array.isArray(calendar.components) ? calendar.components.filter((item): item is string => typeof item === 'string') : ['VEVENT', 'VTODO'],
      owner: calendar.owner ? { documentId: calendar.owner.documentId, username: calendar.owner.username } : null,
      shares: shareList,
      links: {
        // Without an owner the calendar has no URL of its own: DAV reaches it only through its shares.
        caldavUrl: calendar.owner ? links.caldavUrl : null,
        publicFeedUrl: links.publicFeedUrl,
        publicWebcalUrl: links.publicWebcalUrl,
        privateFeedUrl: links.privateFeedUrl,
        privateWebcalUrl: links.privateWebcalUrl,
      },
    };
  }

  async function userIdOf(documentId: string, role: 'owner' | 'user'): Promise<string> {
    const found = await strapi.db.query(USER_UID as never).count({ where: { documentId } });
    if (found === 0) throw badRequest(`There is no user with documentId "${documentId}" to make the ${role}.`);
    return documentId;
  }

  /** Runs a write; the document rules' refusals become 400s with their message, and nothing is kept of it. */
  async function write<T>(action: () => Promise<T>): Promise<T> {
    try {
      return (await strapi.db.transaction(action)) as T;
    } catch (error) {
      throw refusal(error, 'The calendar was changed since you opened it; reload to see the change, then edit again.') ?? error;
    }
  }

  async function freeSlug(wanted: string): Promise<string> {
    for (let attempt = 1; attempt < 1000; attempt += 1) {
      const slug = attempt === 1 ? wanted : `${wanted}-${attempt}`;
      if ((await calendars().count({ where: { slug } })) === 0) return slug;
    }
    throw badRequest(`Too many calendars are named like "${wanted}"; give the new one a slug of its own.`);
  }

  async function calendarShare(shareDocumentId: string): Promise<{ documentId: string; calendar: string }> {
    const share = (await shares().findOne({
      select: ['documentId'],
      where: { documentId: shareDocumentId },
      populate: { calendar: { select: ['documentId'] } },
    })) as { documentId: string; calendar: { documentId: string } | null } | null;
    if (!share?.calendar) throw notFound(`There is no calendar share with documentId "${shareDocumentId}".`);
    return { documentId: share.documentId, calendar: share.calendar.documentId };
  }

  function accessOf(value: unknown): ShareAccess {
    if (value === undefined) return 'read';
    if (!ACCESS.includes(value as ShareAccess)) throw badRequest('"access" must be "read" or "read-write".');
    return value as ShareAccess;
  }

  return {
    details,

    async create(body: unknown, requestOrigin: string): Promise<CalendarDetails> {
      const fields = fieldsOf(body, true);
      if (!fields.name) throw badRequest('"name" is required: the calendar\'s name as apps show it.');
      if (!fields.owner) throw badRequest('"owner" is required: the documentId of the user whose calendar it is (its URL has their username).');
      await userIdOf(fields.owner, 'owner');
      if (fields.slug && (await calendars().count({ where: { slug: fields.slug } })) > 0) {
        throw badRequest(`The slug "${fields.slug}" is already used by another calendar; choose another.`);
      }
      const slug = fields.slug ?? (await freeSlug(slugOf(fields.name)));
      const created = await write(
        async () => (await strapi.documents(CALENDAR_UID as never).create({ data: { ...fields, slug } as never })) as unknown as { documentId: string },
      );
      return details(created.documentId, requestOrigin);
    },

    async update(documentId: string, body: unknown, requestOrigin: string): Promise<CalendarDetails> {
      const fields = fieldsOf(body, false);
      await row(documentId);
      if (fields.owner) await userIdOf(fields.owner, 'owner');
      if (Object.keys(fields).length > 0) {
        await write(() => strapi.documents(CALENDAR_UID as never).update({ documentId, data: fields as never } as never));
      }
      return details(documentId, requestOrigin);
    },

    /** Deletes the calendar with its events (as a DAV client's DELETE does), and the shares that gave access to it. */
    async remove(documentId: string): Promise<void> {
      const calendar = await row(documentId);
      await write(async () => {
        for (const share of calendar.shares ?? []) await strapi.documents(SHARE_UID as never).delete({ documentId: share.documentId } as never);
        // The backend's delete locks the calendar's change log and removes its events; it reads only the documentId.
        await backend.deleteCalendar({ documentId } as CalendarInfo);
      });
    },

    async addShare(documentId: string, body: unknown, requestOrigin: string): Promise<CalendarDetails> {
      const input = objectBody(body, '{"user": "<user documentId>", "access": "read"} or {"role": "<role documentId>", "access": "read-write"}');
      for (const key of Object.keys(input)) {
        if (!['user', 'role', 'access'].includes(key)) throw badRequest(`Unknown field "${key}": a share has "user" or "role", and "access".`);
      }
      const { user, role } = input;
      if ((user === undefined || user === null) === (role === undefined || role === null)) {
        throw badRequest('Share with either one user ("user": its documentId) or one role ("role": its documentId).');
      }
      if ((user !== undefined && user !== null && typeof user !== 'string') || (role !== undefined && role !== null && typeof role !== 'string')) {
        throw badRequest('"user" and "role" are documentIds: text.');
      }
      const access = accessOf(input.access);
      const calendar = await row(documentId);
      if (typeof user === 'string') {
        await userIdOf(user, 'user');
        const existing = (calendar.shares ?? []).find((share) => share.user?.documentId === user);
        if (existing) throw badRequest(`The calendar is already shared with ${existing.user?.username}; change the access of that share instead.`);
      } else {
        const found = (await strapi.db.query(ROLE_UID as never).count({ where: { documentId: role } })) > 0;
        if (!found) throw badRequest(`There is no role with documentId "${String(role)}".`);
        const existing = (calendar.shares ?? []).find((share) => share.role?.documentId === role);
        if (existing) throw badRequest(`The calendar is already shared with the role ${existing.role?.name}; change the access of that share instead.`);
      }
      const relation = typeof user === 'string' ? { user } : { role };
      await write(() => strapi.documents(SHARE_UID as never).create({ data: { calendar: documentId, ...relation, access } as never }));
      return details(documentId, requestOrigin);
    },

    async updateShare(shareDocumentId: string, body: unknown, requestOrigin: string): Promise<CalendarDetails> {
      const input = objectBody(body, '{"access": "read-write"}');
      for (const key of Object.keys(input)) {
        if (key !== 'access') throw badRequest(`Unknown field "${key}": only a share's "access" can change; remove it and share again to give it to someone else.`);
      }
      if (input.access === undefined) throw badRequest('"access" is required: "read" or "read-write".');
      const access = accessOf(input.access);
      const share = await calendarShare(shareDocumentId);
      await write(() => strapi.documents(SHARE_UID as never).update({ documentId: share.documentId, data: { access } as never } as never));
      return details(share.calendar, requestOrigin);
    },

    async removeShare(shareDocumentId: string, requestOrigin: string): Promise<CalendarDetails> {
      const share = await calendarShare(shareDocumentId);
      await write(() => strapi.documents(SHARE_UID as never).delete({ documentId: share.documentId } as never));
      return details(share.calendar, requestOrigin);
    },

    /** Users (not blocked) whose username or email contains the text, and the roles whose name or type does. */
    async candidates(query: unknown): Promise<SharingCandidates> {
      if (query !== undefined && typeof query !== 'string') throw badRequest('"q" must be text: part of a username, email or role name.');
      const q = (query ?? '').trim();
      if (q.length > 255) throw badRequest('"q" is too long: at most 255 characters.');
      const matching = (...fields: string[]) => (q ? { $or: fields.map((field) => ({ [field]: { $containsi: q } })) } : {});
      const users = (await strapi.db.query(USER_UID as never).findMany({
        select: ['documentId', 'username', 'email'],
        where: { $and: [{ $or: [{ blocked: false }, { blocked: { $null: true } }] }, matching('username', 'email')] },
        orderBy: [{ username: 'asc' }],
        limit: MAX_CANDIDATES,
      })) as CandidateUser[];
      const roles = (await strapi.db.query(ROLE_UID as never).findMany({
        select: ['documentId', 'name', 'type'],
        where: matching('name', 'type'),
        orderBy: [{ name: 'asc' }],
      })) as CandidateRole[];
      return {
        users: users.map((user) => ({ documentId: user.documentId, username: user.username, email: user.email ?? null })),
        roles: roles.map((role) => ({ documentId: role.documentId, name: role.name, type: role.type })),
      };
    },

    /** Creates the secret feed link or replaces it (the old one stops working at once); null removes it. */
    async setFeedToken(documentId: string, create: boolean, requestOrigin: string): Promise<CalendarDetails> {
      const calendar = await feedStore.findByDocumentId(documentId);
      if (!calendar) throw notFound(`There is no calendar with documentId "${documentId}".`);
      await feedStore.setToken(calendar, create ? newFeedToken() : null);
      return details(documentId, requestOrigin);
    },
  };
}

export type CalendarAdmin = ReturnType<typeof createCalendarAdmin>;
