import { createId } from '@paralleldrive/cuid2';
import type { Core } from '@strapi/strapi';

import { toPrincipal } from '../auth/principals';
import type { MemberInfo, Principal, StoredMember } from '../dav/backend';
import type { SchedulingStore } from '../scheduling/scheduler';
import { SCHEDULING_MESSAGE_UID, USER_UID } from '../uids';
import { etagOf } from './event-data';

interface MessageRow {
  id: number;
  resourceName: string;
  icalendar: string;
  etag: string | null;
  updatedAt: string | Date;
}

const listFields = ['id', 'resourceName', 'etag', 'updatedAt'];

/**
 * Messages older than this are removed when the next one arrives for the same user: apps that handle invitations
 * delete them sooner, and the events themselves are in the calendars, so an inbox no app empties stays bounded.
 */
export const INBOX_RETENTION_DAYS = 30;

/** Users' scheduling inboxes (one row per delivered message) and the lookup of users by their email. */
export function createSchedulingStore(strapi: Core.Strapi): SchedulingStore {
  const messages = () => strapi.db.query(SCHEDULING_MESSAGE_UID as never);
  const toMember = (row: Omit<MessageRow, 'icalendar'> & { icalendar?: string }): MemberInfo => ({
    name: row.resourceName,
    etag: row.etag ?? etagOf(row.icalendar ?? ''),
    size: Buffer.byteLength(row.icalendar ?? ''),
    lastModified: new Date(row.updatedAt),
  });

  return {
    async principalByEmail(email: string): Promise<Principal | null> {
      const user = (await strapi.db.query(USER_UID as never).findOne({
        select: ['id', 'documentId', 'username', 'email', 'blocked', 'confirmed'],
        where: { email: email.toLowerCase() },
      })) as { id: number; documentId: string; username: string; email: string; blocked: boolean | null; confirmed: boolean | null } | null;
      // A blocked or unconfirmed account cannot sign in to answer: it is treated like an address outside the site.
      if (!user || user.blocked === true || user.confirmed === false) return null;
      return toPrincipal(user);
    },

    inbox: {
      async add(recipient, message) {
        await messages().create({
          data: {
            recipientId: recipient.id,
            resourceName: `${createId()}.ics`,
            uid: message.uid.slice(0, 255),
            method: message.method,
            icalendar: message.data,
            etag: etagOf(message.data),
          },
        });
        const cutoff = new Date(Date.now() - INBOX_RETENTION_DAYS * 86_400_000);
        await messages().deleteMany({ where: { recipientId: recipient.id, createdAt: { $lt: cutoff } } });
      },

      async list(owner) {
        // Sizes need the text; inboxes are small (clients remove what they have handled).
        const rows = (await messages().findMany({ select: [...listFields, 'icalendar'], where: { recipientId: owner.id }, orderBy: { id: 'asc' } })) as MessageRow[];
        return rows.map(toMember);
      },

      async get(owner, names): Promise<StoredMember[]> {
        if (names.length === 0) return [];
        const rows = (await messages().findMany({
          select: [...listFields, 'icalendar'],
          where: { recipientId: owner.id, resourceName: { $in: names } },
        })) as MessageRow[];
        return rows.map((row) => ({ ...toMember(row), data: row.icalendar }));
      },

      async remove(owner, name) {
        const { count } = (await messages().deleteMany({ where: { recipientId: owner.id, resourceName: name } })) as { count: number };
        return count > 0;
      },

      async ctag(owner) {
        const rows = (await messages().findMany({ select: ['id'], where: { recipientId: owner.id }, orderBy: { id: 'desc' } })) as Array<{ id: number }>;
        // A new message raises the highest id; a removal lowers the count.
        return `${rows.length}-${rows[0]?.id ?? 0}`;
      },
    },
  };
}
