import { DavError } from '../errors';
import { header, xmlResponse } from '../http';
import { NS, type XmlNode } from '../model';
import { serializeXml } from '../xml';
import type { MethodHandler } from './types';

const cal = (name: string, children?: XmlNode['children']): XmlNode => ({ ns: NS.CALDAV, name, children });

/**
 * POST of a VFREEBUSY request to the user's scheduling outbox (RFC 6638 section 5): each recipient's busy time,
 * answered at once as a CALDAV:schedule-response. Invitations need no POST here: the server sends them when an
 * organizer stores the event (implicit scheduling).
 */
export const post: MethodHandler = async ({ request, context, location, body, resource }) => {
  if (location.kind !== 'schedule-outbox') {
    throw new DavError(405, 'POST is accepted only by a scheduling outbox, for free-busy requests.');
  }
  const target = await resource();
  if (target.kind !== 'schedule-outbox' || !context.scheduler || !context.user) throw new DavError(404, 'Nothing exists at this URL.');
  const contentType = (header(request, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType !== 'text/calendar') {
    throw new DavError(415, `A free-busy request must be sent as text/calendar (got "${contentType || 'nothing'}").`, {
      ns: NS.CALDAV,
      name: 'supported-calendar-data',
    });
  }
  const answers = await context.scheduler.freeBusy(context.user, body);
  const responses = answers.map((answer) =>
    cal('response', [
      cal('recipient', { ns: NS.DAV, name: 'href', children: answer.recipient }),
      cal('request-status', answer.status),
      ...(answer.data === null ? [] : [cal('calendar-data', answer.data)]),
    ]),
  );
  return xmlResponse(200, serializeXml(cal('schedule-response', responses)));
};
