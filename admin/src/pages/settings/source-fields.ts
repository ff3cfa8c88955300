/**
 * What each field of a content source can be mapped to, for the source form's pickers: the attribute types the
 * server accepts for it (server/src/sources/mapping.ts checks every saved mapping and names what is wrong; these
 * rules only keep the pickers to the choices it accepts). Plain data and functions, no React.
 */
import type { SourceAttribute, SourceContentType } from '../../../../server/src/config/settings';
import type { ContactFieldMapping, ContentSource, EventFieldMapping } from '../../../../server/src/sources/types';

export type SourceKind = ContentSource['kind'];

export interface FieldRule {
  /** Attribute types that can fill the field. */
  types: readonly string[];
  /** Whether an attribute of a related entry (`room.name`) can fill it. */
  viaRelation: boolean;
}

export interface MappedField {
  key: string;
  label: string;
  required: boolean;
  rule: FieldRule;
}

const STRING_LIKE = ['string', 'text', 'uid', 'enumeration', 'email'];
const TEXT_FORMATS = ['string', 'text', 'richtext', 'blocks'];
/** Attribute types an entry holds as one plain value: what a filter or a URL placeholder can use. */
export const SCALAR_TYPES = ['string', 'text', 'uid', 'enumeration', 'email', 'integer', 'biginteger', 'float', 'decimal', 'boolean', 'date', 'datetime', 'time', 'timestamp'];

const field = (key: string, label: string, types: readonly string[], options: { required?: boolean; viaRelation?: boolean } = {}): MappedField => ({
  key,
  label,
  required: options.required ?? false,
  rule: { types, viaRelation: options.viaRelation ?? false },
});

/** The fields of an event, in the order the form shows them (`url` is a pattern, not a picker). */
export const EVENT_FIELDS: MappedField[] = [
  field('summary', 'Title (SUMMARY)', STRING_LIKE, { required: true }),
  field('start', 'Start (DTSTART)', ['date', 'datetime'], { required: true }),
  field('startTime', 'Start time of a date start', ['time']),
  field('end', 'End (DTEND)', ['date', 'datetime']),
  field('endTime', 'End time of a date end', ['time']),
  field('durationMinutes', 'Duration in minutes, without an end', ['integer', 'biginteger', 'float', 'decimal']),
  field('allDay', 'All day', ['boolean']),
  field('location', 'Location', STRING_LIKE, { viaRelation: true }),
  field('description', 'Event description', TEXT_FORMATS),
  field('categories', 'Categories', ['enumeration', 'string'], { viaRelation: true }),
];

/** The fields of a contact, in the order the form shows them. */
export const CONTACT_FIELDS: MappedField[] = [
  field('fullName', 'Full name (FN)', STRING_LIKE, { required: true }),
  field('email', 'Email', ['email', 'string']),
  field('phone', 'Phone', ['string']),
  field('organization', 'Organization', STRING_LIKE, { viaRelation: true }),
  field('title', 'Job title', STRING_LIKE),
  field('note', 'Note', TEXT_FORMATS),
  field('photo', 'Photo (an image)', ['media']),
];

/** What splits a calendar source into one calendar per value. */
export const GROUP_RULE: FieldRule = { types: ['enumeration', 'string'], viaRelation: true };

export const fieldsOf = (kind: SourceKind): MappedField[] => (kind === 'calendar' ? EVENT_FIELDS : CONTACT_FIELDS);

/** Whether one attribute (of the entry, or of a related one) can fill a field. */
function fits(attribute: Pick<SourceAttribute, 'type' | 'multiple' | 'allowedTypes'>, rule: FieldRule): boolean {
  if (!rule.types.includes(attribute.type)) return false;
  if (attribute.type === 'media') return attribute.multiple !== true && (!attribute.allowedTypes || attribute.allowedTypes.includes('images'));
  return true;
}

/** The paths that can fill a field: attributes of the entry, and `relation.attribute` one relation deep where the field allows it. */
export function pathsFor(contentType: SourceContentType, rule: FieldRule): string[] {
  const paths: string[] = [];
  for (const attribute of contentType.attributes) {
    if (attribute.type === 'relation') {
      if (!rule.viaRelation) continue;
      for (const related of attribute.targetAttributes ?? []) if (fits(related, rule)) paths.push(`${attribute.name}.${related.name}`);
    } else if (fits(attribute, rule)) {
      paths.push(attribute.name);
    }
  }
  return paths;
}

/** The type of what a path reads ("datetime", "string of api::room.room"), to show beside it. */
export function typeOfPath(contentType: SourceContentType, path: string): string | null {
  const [first, second] = path.split('.');
  const attribute = contentType.attributes.find((candidate) => candidate.name === first);
  if (!attribute) return null;
  if (second === undefined) return attribute.type;
  const related = attribute.targetAttributes?.find((candidate) => candidate.name === second);
  return related ? `${related.type}, ${attribute.target ?? attribute.name}` : null;
}

/** The attributes a filter can compare (scalar attributes of the entry). */
export const filterableAttributes = (contentType: SourceContentType): SourceAttribute[] =>
  contentType.attributes.filter((attribute) => SCALAR_TYPES.includes(attribute.type));

/** The placeholders a URL pattern can use: scalar attributes, the documentId, and the locale of a localized type. */
export const urlPlaceholders = (contentType: SourceContentType): string[] => [
  ...contentType.attributes.filter((attribute) => SCALAR_TYPES.includes(attribute.type)).map((attribute) => attribute.name),
  'documentId',
  ...(contentType.localized ? ['locale'] : []),
];

export type FieldMapping = Partial<Record<keyof EventFieldMapping | keyof ContactFieldMapping, string>>;
