/**
 * Properties of the XML request parser over generated documents: whatever prefixes, quoting, escapes and CDATA a
 * client uses, the same tree comes back; and whatever a body is damaged into, the answer is the tree or a DavError
 * with a 4xx status, never another kind of error.
 */
import fc from 'fast-check';

import { DavError } from '../../server/src/dav/errors';
import type { XmlElement } from '../../server/src/dav/model';
import { bodyRules, decodeBody } from '../../server/src/dav/requests';
import { elementToContent, parseXml, serializeXml } from '../../server/src/dav/xml';

// Characters XML 1.0 cannot carry at all (section 2.2); generated text leaves them out.
const illegalCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** How one element is spelled: its namespace by a prefix of its own or as the default, and how its text is written. */
interface Spelling {
  /** null: `xmlns="..."` on the element; a number: prefix p<number> declared on it. */
  prefix: number | null;
  /** Text pieces without CR or `]]>` written as CDATA sections. */
  cdata: boolean;
  /** Characters outside ASCII written as numeric character references. */
  charRefs: boolean;
  /** Attributes in single quotes, with extra spaces around `=`. */
  singleQuotes: boolean;
}

interface Generated {
  element: XmlElement;
  spelling: Spelling;
  /** The element's text cut into pieces, written between its children. */
  textPieces: string[];
  children: Generated[];
}

const nameStart = [...'abcdxyzABCXYZ_éü日'];
const nameRest = [...nameStart, ...'0123456789-.'];
const ncName = fc
  .tuple(fc.constantFrom(...nameStart), fc.array(fc.constantFrom(...nameRest), { maxLength: 8 }))
  .map(([first, rest]) => first + rest.join(''))
  .filter((name) => !/^xml/i.test(name));

const namespaces = ['', 'DAV:', 'urn:ietf:params:xml:ns:caldav', 'http://apple.com/ns/ical/', 'urn:x:ü日', 'http://example.com/a?b=1&c="<d>"'];

const textPiece = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 5 }),
      fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', '\r\n', ']]>', '&amp;', '<!DOCTYPE x>', '  ', '😀', '\u00A0'),
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join('').replace(illegalCharacter, ''));

const spelling: fc.Arbitrary<Spelling> = fc.record({
  prefix: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
  cdata: fc.boolean(),
  charRefs: fc.boolean(),
  singleQuotes: fc.boolean(),
});

function generated(depth: number): fc.Arbitrary<Generated> {
  return fc
    .record({
      ns: fc.constantFrom(...namespaces),
      name: ncName,
      attributes: fc.uniqueArray(fc.tuple(ncName, textPiece), { selector: ([name]) => name, maxLength: 3 }),
      children: depth === 0 ? fc.constant<Generated[]>([]) : fc.array(generated(depth - 1), { maxLength: 3 }),
      textPieces: fc.array(textPiece, { maxLength: 4 }),
      spelling,
    })
    .map(({ ns, name, attributes, children, textPieces, spelling: chosen }) => {
      // Text goes between children (and before and after them): at most one piece more than there are children.
      const pieces = textPieces.slice(0, children.length + 1);
      const element: XmlElement = {
        ns,
        name,
        attributes: Object.fromEntries(attributes),
        children: children.map((child) => child.element),
        text: pieces.join(''),
      };
      return { element, spelling: chosen, textPieces: pieces, children };
    });
}

const tree = generated(3);

const escapeCharacters = (text: string, charRefs: boolean) =>
  charRefs ? text.replace(/[^\u0000-\u007F]/gu, (character) => `&#x${character.codePointAt(0)!.toString(16)};`) : text;

function writeText(text: string, chosen: Spelling): string {
  if (text === '') return '';
  if (chosen.cdata && !text.includes('\r') && !text.includes(']]>')) return `<![CDATA[${text}]]>`;
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  return escapeCharacters(escaped, chosen.charRefs);
}

function writeAttribute(value: string, chosen: Spelling): string {
  const quote = chosen.singleQuotes ? "'" : '"';
  const escaped = value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(chosen.singleQuotes ? /'/g : /"/g, chosen.singleQuotes ? '&apos;' : '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
  return `${quote}${escapeCharacters(escaped, chosen.charRefs)}${quote}`;
}

/** Writes a generated element the way its spelling says, independently of the server's own serializer. */
function write(node: Generated): string {
  const { element, spelling: chosen } = node;
  const equals = chosen.singleQuotes ? ' = ' : '=';
  // No namespace cannot be bound to a prefix (Namespaces in XML 1.0, section 3): it is always xmlns="".
  const prefix = chosen.prefix === null || element.ns === '' ? null : `p${chosen.prefix}`;
  const tag = prefix ? `${prefix}:${element.name}` : element.name;
  let start = `<${tag} ${prefix ? `xmlns:${prefix}` : 'xmlns'}${equals}${writeAttribute(element.ns, chosen)}`;
  for (const [name, value] of Object.entries(element.attributes)) start += ` ${name}${equals}${writeAttribute(value, chosen)}`;
  if (node.children.length === 0 && node.textPieces.every((piece) => piece === '')) return `${start}/>`;
  let content = '';
  node.children.forEach((child, index) => {
    content += writeText(node.textPieces[index] ?? '', chosen) + write(child);
  });
  content += writeText(node.textPieces[node.children.length] ?? '', chosen);
  return `${start}>${content}</${tag}>`;
}

/** What the server's own serializer keeps: whitespace-only text between child elements is indentation, dropped. */
function withoutIndentation(element: XmlElement): XmlElement {
  const text = element.children.length > 0 && element.text.trim() === '' ? '' : element.text;
  return { ...element, text, children: element.children.map(withoutIndentation) };
}

/** Runs `parse`; a throw must be a DavError with a 4xx status and a message. */
function parsesOrRefuses(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof DavError)) throw new Error(`expected a DavError, got ${error instanceof Error ? error.stack : String(error)}`);
    expect(error.status).toBeGreaterThanOrEqual(400);
    expect(error.status).toBeLessThan(500);
    expect(error.message.length).toBeGreaterThan(10);
  }
}

const xmlRules = bodyRules('PROPFIND', undefined, { maxResourceSize: 1024 * 1024, maxXmlBodySize: 1024 * 1024 });
const parseBytes = (bytes: Uint8Array) => parseXml(decodeBody(bytes, xmlRules));

const document = fc
  .record({ root: tree, declaration: fc.boolean(), byteOrderMark: fc.boolean() })
  .map(({ root, declaration, byteOrderMark }) => `${byteOrderMark ? '\uFEFF' : ''}${declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}${write(root)}`);

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'duplicate'; from: number; length: number; at: number };

const insertions = ['<', '>', '&', '"', '<!DOCTYPE a [<!ENTITY e "x">]>', '<!ENTITY % p "x">%p;', ']]>', '&#0;', '&#xD800;', '<![CDATA[', 'xmlns:a="', '</', '&e;', '<?xml version="1.1"?>']
  .map((text) => new Uint8Array(Buffer.from(text)));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.oneof(fc.constantFrom(...insertions), fc.uint8Array({ minLength: 1, maxLength: 4 })) }),
  fc.record({ kind: fc.constant('duplicate' as const), from: fc.nat(), length: fc.integer({ min: 1, max: 40 }), at: fc.nat() }),
);

function mutate(bytes: Buffer, change: Mutation): Buffer {
  if (bytes.length === 0) return bytes;
  switch (change.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      copy[change.at % copy.length] ^= change.mask;
      return copy;
    }
    case 'truncate':
      return bytes.subarray(0, change.at % bytes.length);
    case 'insert': {
      const at = change.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)]);
    }
    case 'duplicate': {
      const from = change.from % bytes.length;
      const slice = bytes.subarray(from, from + change.length);
      const at = change.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), slice, bytes.subarray(at)]);
    }
  }
}

describe('parseXml over generated documents', () => {
  test('a tree written with any prefixes, quotes, escapes and CDATA parses back to the same tree', () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (root, declaration) => {
        const xml = `${declaration ? '<?xml version="1.0" encoding="utf-8"?>' : ''}${write(root)}`;
        expect(parseXml(xml)).toEqual(root.element);
      }),
      { numRuns: 300 },
    );
  });

  test("what the server's serializer writes parses back to the same tree (indentation aside)", () => {
    fc.assert(
      fc.property(tree, (root) => {
        expect(parseXml(serializeXml(elementToContent(root.element)))).toEqual(withoutIndentation(root.element));
      }),
      { numRuns: 300 },
    );
  });

  test('a tree sent as UTF-8 bytes, with or without a byte order mark, parses back from the bytes', () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (root, byteOrderMark) => {
        const bytes = Buffer.from(`${byteOrderMark ? '\uFEFF' : ''}${write(root)}`, 'utf8');
        expect(parseBytes(bytes)).toEqual(root.element);
      }),
      { numRuns: 200 },
    );
  });

  test('a damaged body (bytes flipped, cut, inserted or repeated) parses or is refused with a 4xx DavError', () => {
    fc.assert(
      fc.property(document, fc.array(mutation, { minLength: 1, maxLength: 3 }), (xml, changes) => {
        const damaged = changes.reduce(mutate, Buffer.from(xml, 'utf8'));
        parsesOrRefuses(() => parseBytes(damaged));
      }),
      { numRuns: 1500 },
    );
  });

  test('any text at all parses or is refused with a 4xx DavError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        parsesOrRefuses(() => parseXml(text));
        parsesOrRefuses(() => parseXml(`<a xmlns="DAV:">${text}</a>`));
      }),
      { numRuns: 500 },
    );
  });

  test('tight limits: a document within them parses, one past any of them is refused with 400', () => {
    const limits = { maxDepth: 3, maxElements: 6, maxAttributes: 4 };
    const depthOf = (element: XmlElement): number => 1 + Math.max(0, ...element.children.map(depthOf));
    const elementsOf = (element: XmlElement): number => 1 + element.children.reduce((sum, child) => sum + elementsOf(child), 0);
    // Every element of `write` declares its namespace: one attribute more than it has.
    const attributesOf = (element: XmlElement): number =>
      1 + Object.keys(element.attributes).length + element.children.reduce((sum, child) => sum + attributesOf(child), 0);
    fc.assert(
      fc.property(tree, (root) => {
        const within =
          depthOf(root.element) <= limits.maxDepth && elementsOf(root.element) <= limits.maxElements && attributesOf(root.element) <= limits.maxAttributes;
        const xml = write(root);
        if (within) {
          expect(parseXml(xml, limits)).toEqual(root.element);
        } else {
          let refused: unknown;
          try {
            parseXml(xml, limits);
          } catch (error) {
            refused = error;
          }
          expect(refused).toBeInstanceOf(DavError);
          expect((refused as DavError).status).toBe(400);
          expect((refused as DavError).message).toMatch(/deeper than 3 levels|more than 6 elements|more than 4 attributes/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
