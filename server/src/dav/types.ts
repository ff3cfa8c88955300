/**
 * The DAV layer's view of HTTP: plain objects, so that protocol code can be exercised without a web framework.
 */

export type HeaderValue = string | string[] | undefined;

export interface DavRequest {
  method: string;
  /** Path as received, percent-encoded, without the query string. */
  path: string;
  headers: Record<string, HeaderValue>;
  /** The client's address (behind a trusted proxy, the forwarded one), for throttling failed sign-ins. */
  clientAddress?: string;
}

export interface DavResponse {
  status: number;
  headers: Record<string, string>;
  /** The body: text, or text produced piece by piece (a large multistatus), sent as it comes. */
  body?: string | AsyncIterable<string>;
}
