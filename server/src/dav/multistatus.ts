/**
 * 207 Multi-Status bodies (RFC 4918 sections 13 and 14.16), as PROPFIND, PROPPATCH and the REPORTs answer.
 */
import { STATUS_CODES } from 'node:http';
import { NS, type QName, type XmlContent, type XmlNode } from './model';
import { DavError } from './errors';
import { createStreamedXmlDocument, createXmlDocument, elementToContent, parseXml, serializeXml } from './xml';

export interface PropertyResult {
  prop: QName;
  /** 200 with a value; 404 not found, 403 forbidden or protected, 424 failed because another one did, ... */
  status: number;
  /**
   * What the property holds: its content (text, elements), or the property element itself (an XmlNode with the
   * same name as `prop`, as elementToContent gives for a stored dead property), which keeps the element's
   * attributes. Absent for an empty property.
   */
  value?: XmlContent;
  /** The property element as serializeXml wrote it (a stored dead property); used instead of `value`. */
  raw?: string;
}

export interface MultistatusResponse {
  href: string;
  /** One propstat per distinct status. An empty list still gives one (empty, 200) propstat, as RFC 4918 requires. */
  properties?: PropertyResult[];
  /** For a response without properties: a missing multiget href (404), a member removed since a sync token, ... */
  status?: number;
  /** The condition that failed, written inside DAV:error (or a DAV:error element itself, written as it is). */
  error?: XmlNode;
  description?: string;
}

const d = (name: string, children?: XmlContent): XmlNode => ({ ns: NS.DAV, name, children });

/** `HTTP/1.1 404 Not Found`: the status line that DAV:status carries. */
export function statusLine(code: number): string {
  return `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Unknown'}`;
}

/** The DAV:multistatus document. Hrefs are written as given: the caller percent-encodes them. */
export function multistatus(responses: MultistatusResponse[], options: { syncToken?: string } = {}): string {
  const document = createXmlDocument(NS.DAV, 'multistatus');
  for (const response of responses) document.append(responseElement(response));
  // RFC 6578 section 6.4: the new token follows the responses.
  if (options.syncToken !== undefined) document.append(d('sync-token', options.syncToken));
  return document.finish();
}

/** How many responses a streamed multistatus takes at a time: a large answer is sent while it is produced. */
export const STREAM_BATCH = 200;

/**
 * The DAV:multistatus document as text produced piece by piece, from batches of responses (of about STREAM_BATCH
 * each): a listing of thousands of members is sent while it is written, without holding every response (or the
 * whole text) in memory at once. Batches, not single responses, so that waiting costs one promise per batch.
 */
export async function* multistatusStream(
  batches: AsyncIterable<MultistatusResponse[]> | Iterable<MultistatusResponse[]>,
  options: { syncToken?: string } = {},
): AsyncIterable<string> {
  const document = createStreamedXmlDocument(NS.DAV, 'multistatus');
  for await (const batch of batches) {
    for (const response of batch) document.append(responseElement(response));
    yield document.take();
  }
  if (options.syncToken !== undefined) document.append(d('sync-token', options.syncToken));
  yield document.close();
}

/** One DAV:response element, e.g. to nest inside a property as expand-property does (RFC 3253 3.8). */
export function responseElement(response: MultistatusResponse): XmlNode {
  const children: XmlContent[] = [d('href', response.href)];
  if (response.properties === undefined && response.status !== undefined) {
    children.push(d('status', statusLine(response.status)));
  } else {
    children.push(...propstats(response.properties ?? []));
  }
  if (response.error) {
    const isErrorElement = response.error.ns === NS.DAV && response.error.name === 'error';
    children.push(isErrorElement ? response.error : d('error', response.error));
  }
  if (response.description !== undefined) children.push(d('responsedescription', response.description));
  return d('response', children);
}

/**
 * A document whose root holds propstats directly, as the failure bodies of MKCALENDAR (RFC 4791 5.3.1.2,
 * CALDAV:mkcalendar-response) and extended MKCOL (RFC 5689, DAV:mkcol-response) do.
 */
export function propstatDocument(root: QName, properties: PropertyResult[], description?: string): string {
  const children: XmlContent[] = propstats(properties);
  if (description !== undefined) children.push(d('responsedescription', description));
  return serializeXml({ ns: root.ns, name: root.name, children });
}

/** Properties grouped by status, 200 first and then by code, each group in the order given. */
function propstats(properties: PropertyResult[]): XmlNode[] {
  const byStatus = new Map<number, XmlContent[]>();
  if (properties.length === 0) byStatus.set(200, []);
  for (const result of properties) {
    const group = byStatus.get(result.status) ?? [];
    group.push(propertyElement(result));
    byStatus.set(result.status, group);
  }
  const statuses = [...byStatus.keys()].sort((a, b) => (a === 200 ? -1 : b === 200 ? 1 : a - b));
  return statuses.map((status) => d('propstat', [d('prop', byStatus.get(status)), d('status', statusLine(status))]));
}

function propertyElement(result: PropertyResult): XmlNode {
  const { prop } = result;
  if (result.raw !== undefined) {
    const stored = storedElement(result.raw);
    if (stored && stored.ns === prop.ns && stored.name === prop.name) return stored;
  }
  const value = result.value;
  if (isNode(value) && value.ns === prop.ns && value.name === prop.name) return value;
  return value === undefined ? { ns: prop.ns, name: prop.name } : { ns: prop.ns, name: prop.name, children: value };
}

const isNode = (content: XmlContent | undefined): content is XmlNode =>
  typeof content === 'object' && content !== null && !Array.isArray(content);

/**
 * A stored property element, read back. It was written by serializeXml, so it parses; should the stored text
 * have been damaged, the property is answered empty rather than failing the whole multistatus.
 */
function storedElement(raw: string): XmlNode | null {
  try {
    return elementToContent(parseXml(raw));
  } catch (error) {
    if (error instanceof DavError) return null;
    throw error;
  }
}
