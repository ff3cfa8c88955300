/**
 * Protocol errors of the DAV layer, and the XML bodies that report them (RFC 4918 section 16).
 *
 * A precondition failure names its condition as an element of DAV:error, which is what clients act on. The human
 * message goes next to it in `<s:message>` of SabreDAV's namespace `http://sabredav.org/ns`: DAV:error's content is
 * ANY and clients ignore elements they do not know (RFC 4918 section 17), and since SabreDAV (and so Nextcloud,
 * Baikal, ...) writes its messages there, it is where people reading client logs already look.
 */
import { NS, type QName, type XmlContent, type XmlNode } from './model';
// xml.ts throws DavError: the two modules import each other, and neither uses the other while loading.
import { SABRE_NS, serializeXml } from './xml';

export class DavError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The pre- or postcondition that failed, written as the child of DAV:error. */
    readonly precondition?: QName,
    /** Content of the precondition element, e.g. the DAV:href of the conflicting resource for no-uid-conflict. */
    readonly preconditionContent?: XmlContent,
  ) {
    super(message);
    this.name = 'DavError';
  }
}

export const isDavError = (error: unknown): error is DavError => error instanceof DavError;

/** 400 Bad Request: a body the server cannot make sense of, where no precondition names the problem. */
export const badRequest = (message: string): DavError => new DavError(400, message);

/**
 * A failed precondition. 403 unless told otherwise: RFC 4791 section 1.3 (and RFC 3253 section 1.6) answer 403 for a
 * request that will always fail and 409 for one the user can fix and resubmit.
 */
export function preconditionFailed(
  ns: string,
  name: string,
  message: string,
  options: { status?: number; content?: XmlContent } = {},
): DavError {
  return new DavError(options.status ?? 403, message, { ns, name }, options.content);
}

/** The DAV:error document for an error: its precondition element (if any) and the message. */
export function errorBody(error: DavError): string {
  const children: XmlContent[] = [];
  if (error.precondition) {
    const condition: XmlNode = { ...error.precondition };
    if (error.preconditionContent !== undefined) condition.children = error.preconditionContent;
    children.push(condition);
  }
  children.push({ ns: SABRE_NS, name: 'message', children: error.message });
  return serializeXml({ ns: NS.DAV, name: 'error', children });
}
