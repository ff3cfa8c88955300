/**
 * XML in and out for the DAV layer: request bodies are parsed with xmlbuilder2 into plain XmlElements, responses
 * are written from XmlNode trees.
 *
 * Request bodies come from anyone who can reach the server, so parsing refuses, before building anything big:
 * DTDs (no entity can ever be declared or expanded: no XXE, no billion laughs), documents deeper or larger than the
 * limits, and anything that is not well-formed as far as xmlbuilder2's reader can tell (see parseXml).
 */
import { create } from 'xmlbuilder2';
import type { ParserOptions, XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Element as DomElement, Node as DomNode } from '@oozcitak/dom/lib/dom/interfaces';
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
  // Resolving a prefix scans the attributes of every ancestor: their number bounds the cost of each element.
  maxAttributes: 1_000,
};

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const DOCUMENT_NODE = 9;

// XML 1.0 section 2.2: control characters other than tab, LF and CR, U+FFFE/U+FFFF and unpaired surrogates.
const illegalCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const qualifiedName = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*(?::[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?$/;
// xmlbuilder2's ele() reads a string argument starting like this as a whole XML, JSON or YAML document, and a
// namespace URI reaches ele() as such an argument. No real namespace URI starts this way.
const namespaceLooksLikeDocument = /^[\s<{[#%-]/;
// One pass over references, so that "&amp;#60;" stays the text "&#60;" (xmlbuilder2's own decoder makes "<").
const reference = /&(?:(lt|gt|amp|quot|apos)|#x([0-9A-Fa-f]+)|#([0-9]+));|&/g;
const predefinedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const malformed = (message: string) => new DavError(400, `Malformed XML: ${message}`);

function decodeReferences(raw: string): string {
  return raw.replace(reference, (match, entity?: string, hex?: string, decimal?: string) => {
    if (entity) return predefinedEntities[entity];
    if (hex === undefined && decimal === undefined) {
      // XML 1.0 section 4.1 (WFC: Entity Declared): only the five predefined entities exist without a DTD.
      throw malformed(`"&" must start a character reference or one of &lt; &gt; &amp; &quot; &apos; (at "${match}")`);
    }
    const codePoint = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal ?? '', 10);
    const character = codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    if (!character || illegalCharacter.test(character)) {
      throw malformed(`character reference ${match} is not an XML character`);
    }
    return character;
  });
}

function lineAndColumn(text: string, index: number): string {
  const before = text.slice(0, index).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Parses an XML request body into its document element.
 *
 * Refused with DavError 400 (413 when too large): bodies that are empty, are not XML, contain a DOCTYPE, nest
 * deeper than 64 levels, hold more than 10,000 elements, use an undeclared prefix or entity, repeat an attribute,
 * leave an element open or are otherwise malformed. A UTF-8 byte order mark and leading whitespace are tolerated.
 * xmlbuilder2's reader does not report end-tag names, so an end tag with the wrong name still closes the open element,
 * and text after the document element is ignored.
 */
export function parseXml(body: string, options: ParseXmlOptions = {}): XmlElement {
  const limits = { ...defaultLimits, ...options };
  const byteLength = Buffer.byteLength(body, 'utf8');
  if (byteLength > limits.maxBytes) {
    throw new DavError(413, `The XML body is ${byteLength} bytes; at most ${limits.maxBytes} are accepted.`);
  }
  const text = body
    .replace(/^\uFEFF/, '')
    .trimStart()
    // XML 1.0 section 2.11: a parser reads every CRLF and lone CR as LF; CR survives only written as &#13;.
    .replace(/\r\n?/g, '\n');
  if (text === '') throw malformed('the body is empty; an XML document was expected.');
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw malformed('document type declarations (DOCTYPE, ENTITY) are not allowed.');
  }
  if (!text.startsWith('<')) throw malformed('the body does not start with "<"; an XML document was expected.');
  const illegal = illegalCharacter.exec(text);
  if (illegal) {
    const code = illegal[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw malformed(`character U+${code} is not allowed in XML (${lineAndColumn(text, illegal.index)}).`);
  }

  const depthOf = new WeakMap<DomNode, number>();
  // Elements that received content (so their start tag was not self-closing) and elements whose end tag was read.
  const opened = new Set<DomNode>();
  const closed = new Set<DomNode>();
  let elementCount = 0;
  let attributeCount = 0;

  let contentAfterRoot = false;
  const noteContent = (parent: XMLBuilder) => {
    if (parent.node.nodeType === ELEMENT_NODE) opened.add(parent.node);
    else if (documentElementOf(parent.node)) contentAfterRoot = true;
  };
  // The reader calls up() on the current element when it reads an end tag: that is how end tags are counted.
  const tracked = (builder: XMLBuilder): XMLBuilder => {
    const view: XMLBuilder = Object.create(builder);
    view.up = () => {
      closed.add(builder.node);
      return tracked(builder.up());
    };
    return view;
  };

  const hooks: ParserOptions & { _decodeText(raw: string): string; _decodeAttributeValue(raw: string): string } = {
    element(parent, namespace, name) {
      noteContent(parent);
      if (!qualifiedName.test(name)) throw malformed(`"${name}" is not an element name.`);
      // The reader passes undefined when no declaration in scope binds the prefix.
      if (namespace === undefined && name.includes(':')) {
        throw malformed(`the prefix of <${name}> is not declared (xmlns:${name.split(':')[0]}="...").`);
      }
      if (namespace && namespaceLooksLikeDocument.test(namespace)) {
        throw malformed(`"${namespace}" is not a namespace name.`);
      }
      const depth = (depthOf.get(parent.node) ?? 0) + 1;
      if (depth > limits.maxDepth) throw malformed(`elements are nested deeper than ${limits.maxDepth} levels.`);
      elementCount += 1;
      if (elementCount > limits.maxElements) throw malformed(`the document has more than ${limits.maxElements} elements.`);
      if (parent.node.nodeType === DOCUMENT_NODE && documentElementOf(parent.node)) {
        throw malformed(`<${name}> follows the document element; a document has only one.`);
      }
      const child = namespace === undefined ? parent.ele(name) : parent.ele(namespace, name);
      depthOf.set(child.node, depth);
      return tracked(child);
    },
    attribute(parent, namespace, name, value) {
      attributeCount += 1;
      if (attributeCount > limits.maxAttributes) throw malformed(`the document has more than ${limits.maxAttributes} attributes.`);
      const element = parent.node as DomElement;
      if (element.hasAttribute(name)) throw malformed(`attribute "${name}" appears twice on <${element.nodeName}>.`);
      // The reader also passes undefined for a prefix bound to the default namespace's URI: look it up again.
      const attributeNamespace = name.includes(':') ? namespace ?? element.lookupNamespaceURI(name.split(':')[0]) : namespace;
      if (attributeNamespace === null) throw malformed(`the prefix of attribute "${name}" is not declared.`);
      return attributeNamespace === undefined ? parent.att(name, value) : parent.att(attributeNamespace, name, value);
    },
    text(parent, data) {
      noteContent(parent);
      return parent.txt(data);
    },
    cdata(parent, data) {
      noteContent(parent);
      return parent.dat(data);
    },
    // Comments and processing instructions carry nothing a DAV request needs: not kept.
    comment(parent) {
      noteContent(parent);
      return undefined;
    },
    instruction(parent) {
      noteContent(parent);
      return undefined;
    },
    // Not part of the typed ParserOptions, but the reader takes these from the same object (BaseReader, 4.0.3).
    _decodeText: decodeReferences,
    _decodeAttributeValue: (raw) => decodeReferences(raw.replace(/[\t\n]/g, ' ')), // XML 1.0 section 3.3.3
  };

  let document: DomNode;
  try {
    document = create({ parser: hooks, skipWhitespaceOnlyText: false }, text).node;
  } catch (error) {
    if (error instanceof DavError) throw error;
    throw malformed(readerMessage(error, text));
  }

  const root = documentElementOf(document);
  if (!root) throw malformed('there is no document element.');
  for (const node of opened) {
    if (!closed.has(node)) throw malformed(`<${node.nodeName}> is not closed.`);
  }
  // A document element without content and with nothing after it: only its own tag tells whether it was closed.
  if (!opened.has(root) && !closed.has(root) && !contentAfterRoot && !text.trimEnd().endsWith('/>')) {
    throw malformed(`<${root.nodeName}> is not closed.`);
  }
  return toXmlElement(root);
}

/** The document element of a request body, or null for an empty (or whitespace-only) body. */
export function parseXmlBody(body: string | null | undefined, options?: ParseXmlOptions): XmlElement | null {
  if (body === null || body === undefined || body.replace(/^\uFEFF/, '').trim() === '') return null;
  return parseXml(body, options);
}

function documentElementOf(document: DomNode): DomElement | null {
  for (const node of document.childNodes) {
    if (node.nodeType === ELEMENT_NODE) return node as DomElement;
  }
  return null;
}

/** The first line of an error from xmlbuilder2's reader, with the position it reports turned into line and column. */
function readerMessage(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const [firstLine] = message.split('\n');
  const index = /\nIndex: (\d+)/.exec(message);
  return index ? `${firstLine} (${lineAndColumn(text, Number(index[1]))})` : firstLine;
}

function toXmlElement(element: DomElement): XmlElement {
  const attributes: Record<string, string> = {};
  for (const attribute of element.attributes) {
    // Namespace declarations are not attributes: they are already resolved into the names.
    if (attribute.namespaceURI === 'http://www.w3.org/2000/xmlns/') continue;
    attributes[attribute.localName] = attribute.value;
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const node of element.childNodes) {
    if (node.nodeType === ELEMENT_NODE) children.push(toXmlElement(node as DomElement));
    else if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) text += node.textContent ?? '';
  }
  return { ns: element.namespaceURI ?? '', name: element.localName, attributes, children, text };
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
