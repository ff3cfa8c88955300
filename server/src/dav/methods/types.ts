import type { Location } from '../paths';
import type { DavContext, Resource } from '../resources';
import type { XmlElement } from '../model';
import type { DavRequest, DavResponse } from '../types';

export interface MethodInput {
  request: DavRequest;
  context: DavContext;
  location: Location;
  /** The request path as the client sent it (percent-encoded), with the site's path a proxy stripped put back. */
  href: string;
  /** The request body as text ('' when there is none). */
  body: string;
  /** The body parsed as XML; null for an empty body. Parsing errors become 400 responses. */
  xmlBody(): XmlElement | null;
  /** The existing resource at the location; throws a 404 DavError when there is none. */
  resource(): Promise<Resource>;
}

export type MethodHandler = (input: MethodInput) => Promise<DavResponse>;
