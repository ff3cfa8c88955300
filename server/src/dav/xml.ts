/**
 * XML in and out for the DAV layer: request bodies are parsed with saxes (a strict, conformant streaming parser)
 * into plain XmlElements, responses are written from XmlNode trees.
 *
 * Request bodies come from anyone who can reach the server, so parsing refuses, before building anything big:
 * DTDs (no entity can ever be declared or expanded: no XXE, no billion laughs), documents deeper or larger than the
 * limits, and anything that is not well-formed XML 1.0 with namespaces (see parseXml).
 */
import { SaxesParser } from 'saxes';
import { NS, type XmlContent, type XmlElement, type XmlNode } from './model';
import { DavError } from './errors';

/** SabreDAV's namespace, where error bodies carry their human-readable message (see errors.ts). */
export const SABRE_NS = 'http://sabredav.org/ns';

export interface ParseXmlOptions {
  /** Largest body accepted, in UTF-8 bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Deepest element nesting accepted (the document element is at depth 1). Default 64. */
  maxDepth?: number;
  /** Most elements accepted in one document. Default 10,000. */
  maxElements?: number;
  /** Most attributes (namespace declarations included) in one document. Default 1,000. */
  maxAttributes?: number;
}

const defaultLimits: Required<ParseXmlOptions> = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxElements: 10_000,
  // Resolving a prefix scans the declarations of every ancestor: their number bounds the cost of each element.
  maxAttributes: 1_000,
};

// XML 1.0 section 2.2: control characters other than tab, LF and CR, U+FFFE/U+FFFF and unpaired surrogates.
const illegalCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
// Encodings a UTF-8 body may declare (US-ASCII is a subset).
const xmlUtf8Encodings = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

const malformed = (message: string) => new DavError(400, `Malformed XML: ${message}`);
const DTD_REFUSED = 'document type declarations (DOCTYPE, ENTITY) are not allowed.';

function lineAndColumn(text: string, index: number): string {
  const before = text.slice(0, index).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** An element being read: its text is gathered in pieces and joined when its end tag is read. */
interface OpenElement {
  element: XmlElement;
  text: string[];
}

/**
 * Parses an XML request body into its document element.
 *
 * Refused with DavError 400 (413 when too large): bodies that are empty, are not XML 1.0, contain a DOCTYPE, nest
 * deeper than 64 levels, hold more than 10,000 elements or 1,000 attributes, use an undeclared prefix or entity,
 * repeat an attribute, leave an element open, close one with the wrong name or are otherwise malformed; with 415,
 * a document that declares an encoding other than UTF-8 (the body was read as UTF-8). A UTF-8
 * byte order mark, leading whitespace and comments or whitespace after the document element are tolerated.
 */
export function parseXml(body: string, options: ParseXmlOptions = {}): XmlElement {
  const limits = { ...defaultLimits, ...options };
  const byteLength = Buffer.byteLength(body, 'utf8');
  if (byteLength > limits.maxBytes) {
    throw new DavError(413, `The XML body is ${byteLength} bytes; at most ${limits.maxBytes} are accepted.`);
  }
  const text = body.replace(/^\uFEFF/, '').trimStart();
  if (text === '') throw malformed('the body is empty; an XML document was expected.');
  // A DTD stands before the document element: refused there in any spelling before parsing, however large. Text
  // further on may say "<!DOCTYPE" (in CDATA); a declaration misplaced there is malformed for saxes.
  const prologEnd = text.search(/<[^?!]/);
  if (/<!DOCTYPE|<!ENTITY/i.test(prologEnd === -1 ? text : text.slice(0, prologEnd))) throw malformed(DTD_REFUSED);
  if (!text.startsWith('<')) throw malformed('the body does not start with "<"; an XML document was expected.');
  const illegal = illegalCharacter.exec(text);
  if (illegal) {
    const code = illegal[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw malformed(`character U+${code} is not allowed in XML (${lineAndColumn(text, illegal.index)}).`);
  }

  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: OpenElement[] = [];
  let root: XmlElement | null = null;
  let elementCount = 0;
  let attributeCount = 0;

  parser.on('error', (error) => {
    throw error instanceof DavError ? error : malformed(`${stripPosition(error.message)} (line ${parser.line}, column ${parser.column}).`);
  });
  parser.on('xmldecl', (declaration) => {
    if (declaration.version !== undefined && declaration.version !== '1.0') {
      throw malformed(`XML version ${declaration.version} is not supported; use 1.0.`);
    }
    // The body was read as UTF-8: a document saying it is in another encoding would be misread.
    const encoding = declaration.encoding?.toLowerCase();
    if (encoding !== undefined && !xmlUtf8Encodings.has(encoding)) {
      throw new DavError(415, `The XML declaration names the encoding "${declaration.encoding}"; request bodies must be UTF-8.`);
    }
  });
  // saxes reads a DOCTYPE (internal subset included) as one opaque piece and never declares or expands anything.
  parser.on('doctype', () => {
    throw malformed(DTD_REFUSED);
  });
  parser.on('opentagstart', () => {
    if (open.length + 1 > limits.maxDepth) throw malformed(`elements are nested deeper than ${limits.maxDepth} levels.`);
    elementCount += 1;
    if (elementCount > limits.maxElements) throw malformed(`the document has more than ${limits.maxElements} elements.`);
  });
  parser.on('attribute', () => {
    attributeCount += 1;
    if (attributeCount > limits.maxAttributes) throw malformed(`the document has more than ${limits.maxAttributes} attributes.`);
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      // Namespace declarations are not attributes: they are already resolved into the names.
      if (attribute.uri === XMLNS_NAMESPACE) continue;
      attributes[attribute.local] = attribute.value;
    }
    const element: XmlElement = { ns: tag.uri, name: tag.local, attributes, children: [], text: '' };
    const parent = open[open.length - 1];
    if (parent) parent.element.children.push(element);
    else root = element;
    open.push({ element, text: [] });
  });
  parser.on('closetag', () => {
    const closed = open.pop();
    if (closed && closed.text.length > 0) closed.element.text = closed.text.join('');
  });
  const addText = (data: string) => {
    open[open.length - 1]?.text.push(data);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  parser.write(text).close();
  if (!root) throw malformed('there is no document element.');
  return root;
}

/** saxes starts its messages with the position, which parseXml reports in words instead. */
function stripPosition(message: string): string {
  return message.replace(/^(?:[^:]*:)?\d+:\d+: /, '').replace(/\.$/, '');
}

/** The document element of a request body, or null for an empty (or whitespace-only) body. */
export function parseXmlBody(body: string | null | undefined, options?: ParseXmlOptions): XmlElement | null {
  if (body === null || body === undefined || body.replace(/^\uFEFF/, '').trim() === '') return null;
  return parseXml(body, options);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Prefixes that clients and people reading logs expect; any other namespace gets x1, x2, ... */
const conventionalPrefixes: Record<string, string> = {
  [NS.DAV]: 'd',
  [NS.CALDAV]: 'cal',
  [NS.CARDDAV]: 'card',
  [NS.CALENDARSERVER]: 'cs',
  [NS.APPLE_ICAL]: 'ical',
  [SABRE_NS]: 's',
};

/**
 * An XmlElement as content to write back, e.g. a dead property as the client sent it: same names, attributes and
 * text. Whitespace-only text between child elements (indentation) is dropped; other text is written before the
 * children, since XmlElement does not keep where text stood among them.
 */
export function elementToContent(element: XmlElement): XmlNode {
  const node: XmlNode = { ns: element.ns, name: element.name };
  if (Object.keys(element.attributes).length > 0) node.attributes = { ...element.attributes };
  const children: XmlContent[] = [];
  if (element.text !== '' && (element.children.length === 0 || element.text.trim() !== '')) children.push(element.text);
  for (const child of element.children) children.push(elementToContent(child));
  if (children.length > 0) node.children = children;
  return node;
}

/**
 * Writes an XML document. Every namespace used is declared once, on the root, with its conventional prefix.
 *
 * Written by hand rather than with xmlbuilder2's serializer because that one writes CR, and tabs and newlines in
 * attribute values, as they are, and a parser turns them into LF and spaces (XML 1.0 sections 2.11 and 3.3.3): the
 * CRLF line ends of calendar data would not survive. Here they become &#13;, &#9; and &#10;.
 */
export function serializeXml(root: XmlNode): string {
  const document = createXmlDocument(root.ns, root.name, root.attributes);
  document.append(root.children);
  return document.finish();
}

/**
 * An XML document written child by child below its root, so that a large answer (a multistatus of thousands of
 * responses) is turned into text as it goes instead of first becoming one tree. Prefixes are given as namespaces
 * appear and all declared on the root when the document is finished.
 */
export function createXmlDocument(ns: string, name: string, attributes?: Record<string, string>) {
  const prefixes = new Map<string, string>();
  let otherCount = 0;
  const prefixOf = (namespace: string): string => {
    let prefix = prefixes.get(namespace);
    if (prefix === undefined) {
      prefix = conventionalPrefixes[namespace] ?? `x${(otherCount += 1)}`;
      prefixes.set(namespace, prefix);
    }
    return prefix;
  };
  const rootTag = ns === '' ? name : `${prefixOf(ns)}:${name}`;
  const parts: string[] = [];
  const write = contentWriter(parts, (namespace) => ({ prefix: prefixOf(namespace), declare: false }));

  return {
    append: write,
    finish(): string {
      let start = `<${rootTag}`;
      for (const [namespace, prefix] of prefixes) start += ` xmlns:${prefix}="${escapeAttribute(namespace)}"`;
      for (const [attribute, value] of Object.entries(attributes ?? {})) start += ` ${attribute}="${escapeAttribute(value)}"`;
      const head = '<?xml version="1.0" encoding="utf-8"?>\n';
      if (parts.length === 0) return `${head}${start}/>`;
      return `${head}${start}>${parts.join('')}</${rootTag}>`;
    },
  };
}

/**
 * Writes content into `parts`. `prefix` names each namespace's prefix, and says whether the element that uses it
 * must declare it itself (a streamed document, whose root was sent before the namespace appeared).
 */
function contentWriter(parts: string[], prefix: (namespace: string) => { prefix: string; declare: boolean }) {
  const write = (content: XmlContent | undefined, inScope?: ReadonlySet<string>): void => {
    if (content === undefined) return;
    if (typeof content === 'string') {
      parts.push(escapeText(content));
      return;
    }
    if (Array.isArray(content)) {
      for (const item of content) write(item, inScope);
      return;
    }
    let start: string;
    let tag: string;
    let scope = inScope;
    if (content.ns === '') {
      tag = content.name;
      start = `<${tag}`;
    } else {
      const named = prefix(content.ns);
      tag = `${named.prefix}:${content.name}`;
      start = `<${tag}`;
      if (named.declare && !inScope?.has(content.ns)) {
        start += ` xmlns:${named.prefix}="${escapeAttribute(content.ns)}"`;
        scope = new Set([...(inScope ?? []), content.ns]);
      }
    }
    if (content.attributes !== undefined) {
      for (const [attribute, value] of Object.entries(content.attributes)) start += ` ${attribute}="${escapeAttribute(value)}"`;
    }
    if (isEmptyContent(content.children)) {
      parts.push(`${start}/>`);
      return;
    }
    parts.push(`${start}>`);
    write(content.children, scope);
    parts.push(`</${tag}>`);
  };
  return (content: XmlContent | undefined) => write(content);
}

/**
 * A document sent while it is written: the root, with the conventional namespaces declared on it, goes first;
 * each child is turned into text when it is appended, and `take` hands over what was written so far. Namespaces
 * without a conventional prefix are declared on the elements that use them.
 */
export function createStreamedXmlDocument(ns: string, name: string) {
  const rootPrefix = conventionalPrefixes[ns];
  if (rootPrefix === undefined) throw new Error(`no conventional prefix for ${ns}`);
  const others = new Map<string, string>();
  const parts: string[] = [];
  const write = contentWriter(parts, (namespace) => {
    const conventional = conventionalPrefixes[namespace];
    if (conventional !== undefined) return { prefix: conventional, declare: false };
    let prefix = others.get(namespace);
    if (prefix === undefined) {
      prefix = `x${others.size + 1}`;
      others.set(namespace, prefix);
    }
    return { prefix, declare: true };
  });
  const declarations = Object.entries(conventionalPrefixes)
    .map(([namespace, prefix]) => ` xmlns:${prefix}="${escapeAttribute(namespace)}"`)
    .join('');
  parts.push(`<?xml version="1.0" encoding="utf-8"?>\n<${rootPrefix}:${name}${declarations}>`);
  return {
    append: write,
    /** The text written since the last call. */
    take(): string {
      const text = parts.join('');
      parts.length = 0;
      return text;
    },
    close(): string {
      parts.push(`</${rootPrefix}:${name}>`);
      return this.take();
    },
  };
}

function isEmptyContent(content: XmlContent | undefined): boolean {
  if (content === undefined || content === '') return true;
  return Array.isArray(content) && content.every(isEmptyContent);
}

// Characters XML cannot carry at all become U+FFFD, so that the document stays well-formed.
const unwritable = new RegExp(illegalCharacter.source, 'g');

// Anything escapeText changes; most text (etags, hrefs, names) has none of it and is written as it is.
const needsEscaping = new RegExp(`${illegalCharacter.source}|[&<>\r]`);

function escapeText(text: string): string {
  if (!needsEscaping.test(text)) return text;
  return text
    .replace(unwritable, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}
