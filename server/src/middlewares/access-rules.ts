import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import { APP_PASSWORD_UID, SHARE_UID } from '../uids';

interface ShareRow {
  calendar: { documentId: string; owner?: { id: number } | null } | null;
  addressBook: { documentId: string; owner?: { id: number } | null } | null;
  user: { id: number } | null;
  role: { id: number } | null;
}

/** What is wrong with a share as stored, or null when it is sound. */
function problemOf(share: ShareRow): { path: string; message: string } | null {
  if (!share.calendar === !share.addressBook) return { path: 'calendar', message: 'choose either a calendar or an address book to share' };
  if (!share.user === !share.role) return { path: 'user', message: 'share with either one user or one role' };
  const owner = (share.calendar ?? share.addressBook)?.owner;
  if (share.user && owner && owner.id === share.user.id) return { path: 'user', message: 'the owner already has full access' };
  return null;
}

const refusal = (path: string, message: string) =>
  new errors.ValidationError(`${path}: ${message}`, { errors: [{ path: [path], message, name: 'ValidationError' }] });

/**
 * App passwords are made only by the plugin (for their user, or by support staff through the admin API), which
 * shows the secret once; an entry typed into the Content Manager would have no secret anyone knows. Afterwards
 * only the name may change: a password moved to another user would sign them in with someone else's secret.
 */
function appPasswordProblem(action: string, data: Record<string, unknown>): { path: string; message: string } | null {
  if (action === 'create' && !(typeof data.secretHash === 'string' && /^[0-9a-f]{64}$/.test(data.secretHash))) {
    return { path: 'name', message: 'app passwords are created by their user (POST /api/caldav/app-passwords) or through the admin API, which shows the password once' };
  }
  if (action === 'update' && (data.secretHash !== undefined || data.user !== undefined)) {
    return { path: 'user', message: "only an app password's name can be changed; revoke it and create a new one instead" };
  }
  return null;
}

/**
 * Every write of a share, from the Content Manager or any API, is checked as it will be stored (relations are
 * sent in several shapes, so the stored row is what is judged); a share that makes no sense is refused and rolled
 * back with a message saying what to fix.
 */
export function registerAccessRules(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid === APP_PASSWORD_UID && (context.action === 'create' || context.action === 'update')) {
      const problem = appPasswordProblem(context.action, (context.params as { data?: Record<string, unknown> }).data ?? {});
      if (problem) throw refusal(problem.path, problem.message);
      return next();
    }
    if (context.uid !== SHARE_UID || (context.action !== 'create' && context.action !== 'update')) return next();
    return strapi.db.transaction(async () => {
      const result = await next();
      const documentId = (result as { documentId?: string } | null)?.documentId;
      if (!documentId) return result;
      const share = (await strapi.db.query(SHARE_UID as never).findOne({
        where: { documentId },
        populate: {
          calendar: { select: ['documentId'], populate: { owner: { select: ['id'] } } },
          addressBook: { select: ['documentId'], populate: { owner: { select: ['id'] } } },
          user: { select: ['id'] },
          role: { select: ['id'] },
        },
      })) as ShareRow | null;
      const problem = share ? problemOf(share) : null;
      if (problem) throw refusal(problem.path, problem.message);
      return result;
    });
  });
}
