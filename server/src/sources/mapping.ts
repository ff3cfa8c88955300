/**
 * Content sources, the mapping itself: checking the `sources` setting against the site's models, and turning one
 * entry of a mapped collection type into iCalendar or vCard text. Pure functions over plain data (no Strapi
 * instance, no database); the text is written by the same builders as events and contacts edited in the CMS.
 */
import { createHash } from 'node:crypto';

import ICAL from 'ical.js';

import { buildCalendarObject, type EventInput } from '../ical/build';
import { MAX_DATE_TIME, MIN_DATE_TIME } from '../ical/calendar-object';
import { serializeComponent } from '../ical/serialize';
import { DAY_MS, zonedTime } from '../ical/times';
import { isIanaTimeZone, isUtcName, vtimezoneComponent } from '../ical/timezones';
import { buildVCard, type ContactInput } from '../vcard/build';
import type {
  AddressBookSource,
  CalendarSource,
  ContactFieldMapping,
  ContentSource,
  EventFieldMapping,
  FieldPath,
  SourceFilter,
} from './types';

/** A `sources` setting that does not fit the site's models; the message names the source and the key. */
export class SourceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceConfigError';
  }
}

/** What the functions need of a Strapi model (strapi.getModel(uid)): plain data. */
export interface ContentModel {
  uid: string;
  kind?: string;
  info?: { displayName?: string };
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean } };
  attributes: Record<string, ModelAttribute>;
}

export interface ModelAttribute {
  type: string;
  relation?: string;
  target?: string;
  multiple?: boolean;
  enum?: string[];
  allowedTypes?: string[];
  private?: boolean;
  [key: string]: unknown;
}

export type ModelLookup = (uid: string) => ContentModel | undefined;

/** An entry as the document service returns it with `sourcePopulate(...)`: documentId, updatedAt, locale, publishedAt and the mapped attributes. */
export interface SourceEntry {
  documentId: string;
  updatedAt: string | Date;
  locale?: string | null;
  publishedAt?: string | Date | null;
  [attribute: string]: unknown;
}

/** What the text functions may be given besides the entry and its source. */
export interface MappingOptions {
  /**
   * The site's URL (origin, and path when the site lives under one), which makes media URLs such as
   * `/uploads/x.jpg` absolute: images of a blocks description, a contact's photo.
   */
  siteOrigin?: string;
  /**
   * The models, to tell a Markdown (richtext) description from plain text. Sources returned by `checkSources` know
   * it already; a source object built any other way needs this, or its string descriptions are taken as plain text.
   */
  getModel?: ModelLookup;
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute kinds

/** Attribute types whose value is one piece of text. */
const STRING_LIKE = ['string', 'text', 'uid', 'enumeration', 'email'] as const;
const DATE_TYPES = ['date', 'datetime'] as const;
const NUMBER_TYPES = ['integer', 'biginteger', 'float', 'decimal'] as const;
const TEXT_FORMATS = ['string', 'text', 'richtext', 'blocks'] as const;
/** Attribute types an entry holds as one plain value: what a URL placeholder or a filter can use. */
const SCALAR_TYPES = [
  'string',
  'text',
  'uid',
  'enumeration',
  'email',
  'integer',
  'biginteger',
  'float',
  'decimal',
  'boolean',
  'date',
  'datetime',
  'time',
  'timestamp',
] as const;
/** URL placeholders every entry has, whether or not the model lists them as attributes. */
const ENTRY_PLACEHOLDERS = ['documentId', 'locale'] as const;

interface FieldRule {
  types: readonly string[];
  /** What the field needs, as the end of a message: "a date or datetime attribute". */
  needed: string;
  /** Whether `relation.attribute` may fill it. */
  viaRelation: boolean;
}

const stringRule = (viaRelation: boolean): FieldRule => ({
  types: STRING_LIKE,
  needed: 'a string, text, uid, enumeration or email attribute',
  viaRelation,
});
const dateRule: FieldRule = { types: DATE_TYPES, needed: 'a date or datetime attribute', viaRelation: false };
const timeRule: FieldRule = { types: ['time'], needed: 'a time attribute', viaRelation: false };
const textRule: FieldRule = {
  types: TEXT_FORMATS,
  needed: 'a string, text, richtext or blocks attribute',
  viaRelation: false,
};

const eventRules: Record<Exclude<keyof EventFieldMapping, 'url'>, FieldRule> = {
  summary: stringRule(false),
  start: dateRule,
  startTime: timeRule,
  end: dateRule,
  endTime: timeRule,
  durationMinutes: {
    types: NUMBER_TYPES,
    needed: 'a number attribute (integer, biginteger, float or decimal)',
    viaRelation: false,
  },
  allDay: { types: ['boolean'], needed: 'a boolean attribute', viaRelation: false },
  location: stringRule(true),
  description: textRule,
  categories: { types: ['enumeration', 'string'], needed: 'an enumeration or string attribute', viaRelation: true },
};

const contactRules: Record<Exclude<keyof ContactFieldMapping, 'url'>, FieldRule> = {
  fullName: stringRule(false),
  email: { types: ['email', 'string'], needed: 'an email or string attribute', viaRelation: false },
  phone: { types: ['string'], needed: 'a string attribute', viaRelation: false },
  organization: stringRule(true),
  title: stringRule(false),
  note: textRule,
  photo: { types: ['media'], needed: 'a single media attribute', viaRelation: false },
};

const groupRule: FieldRule = {
  types: ['enumeration', 'string'],
  needed: 'an enumeration or string attribute (or one of a related entry, e.g. "room.name")',
  viaRelation: true,
};

const COMMON_KEYS = [
  'kind',
  'slug',
  'name',
  'description',
  'contentType',
  'visibility',
  'owner',
  'sharedWithRoles',
  'filter',
  'fields',
];
const CALENDAR_KEYS = [...COMMON_KEYS, 'timezone', 'color', 'groupBy'];
const FILTER_KEYS = ['status', 'locale', 'where'];

/** A source's URL segment: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit. */
export const SOURCE_SLUG = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_SOURCE_SLUG_LENGTH = 100;

const COLOR = /^#[0-9a-fA-F]{6}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The attribute formats of a checked source's description or note, for telling Markdown from plain text. */
const checkedFormats = new WeakMap<ContentSource, string>();

// ---------------------------------------------------------------------------------------------------------------
// Checking the setting

type UnknownRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is UnknownRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const quoted = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** "a string", "an enumeration", "a relation", "a media attribute", as a message says what an attribute is. */
function describe(attribute: ModelAttribute): string {
  if (attribute.type === 'media') return attribute.multiple ? 'a multiple media attribute' : 'a single media attribute';
  if (attribute.type === 'relation') return attribute.relation ? `a ${attribute.relation} relation` : 'a relation';
  const article = /^[aeio]/i.test(attribute.type) ? 'an' : 'a';
  return (SCALAR_TYPES as readonly string[]).includes(attribute.type) || attribute.type === 'richtext'
    ? `${article} ${attribute.type}`
    : `${article} ${attribute.type} attribute`;
}

/** The names a message lists as a model's attributes: every one but the private ones. */
function attributeList(model: ContentModel): string {
  const names = Object.entries(model.attributes)
    .filter(([, attribute]) => !attribute.private)
    .map(([name]) => name);
  return names.length > 0 ? names.join(', ') : 'none';
}

const notAnAttribute = (model: ContentModel): string =>
  `is not an attribute of ${model.uid} (its attributes: ${attributeList(model)})`;

const ownAttribute = (model: ContentModel, name: string): ModelAttribute | undefined =>
  Object.prototype.hasOwnProperty.call(model.attributes, name) ? model.attributes[name] : undefined;

/** Where a checked path leads: the attribute of the entry, or of the related entry. */
interface ResolvedPath {
  attribute: ModelAttribute;
}

/**
 * Resolves `attribute` or `relation.attribute` against a model. A problem is returned as the rest of a message that
 * starts with the key and the path (`fields.start "title"`): ` is a string; a date or datetime attribute is needed`,
 * or `: "label" is not an attribute of api::room.room (...)` for a part of a relation path.
 */
function resolvePath(
  path: string,
  model: ContentModel,
  rule: FieldRule,
  key: string,
  getModel: ModelLookup,
): ResolvedPath | string {
  const parts = path.split('.');
  if (parts.length > 2) {
    return ' goes through more than one relation; a field is an attribute ("title") or an attribute of one related entry ("room.name")';
  }
  if (!parts.every((part) => PATH.test(part))) return ' is not an attribute name or "relation.attribute"';
  const [first, second] = parts;
  const attribute = ownAttribute(model, first);
  if (second === undefined) {
    if (!attribute) return ` ${notAnAttribute(model)}`;
    if (attribute.private) return ' is a private attribute, which is never published';
    if (attribute.type === 'relation' && rule.viaRelation) {
      const target = attribute.target ? getModel(attribute.target) : undefined;
      const example = target
        ? Object.keys(target.attributes).find((name) => !target.attributes[name].private)
        : undefined;
      return ` is a relation; name the attribute of ${attribute.target ?? 'the related entry'} to use, e.g. "${first}.${example ?? 'name'}"`;
    }
    const problem = typeProblem(attribute, rule);
    return problem ? ` ${problem}` : { attribute };
  }
  if (!rule.viaRelation) return ` follows a relation; ${key} needs an attribute of ${model.uid} itself`;
  if (!attribute) return `: "${first}" ${notAnAttribute(model)}`;
  if (attribute.private) return `: "${first}" is a private attribute, which is never published`;
  if (attribute.type !== 'relation') return `: "${first}" is ${describe(attribute)}, not a relation`;
  if (!attribute.target) return `: the relation "${first}" has no single target content type`;
  const target = getModel(attribute.target);
  if (!target)
    return `: the relation "${first}" points to ${attribute.target}, which is not a content type of this site`;
  const related = ownAttribute(target, second);
  if (!related) return `: "${second}" ${notAnAttribute(target)}`;
  if (related.private) return `: "${second}" is a private attribute of ${target.uid}, which is never published`;
  const problem = typeProblem(related, rule);
  return problem ? `: "${second}" of ${target.uid} ${problem}` : { attribute: related };
}

function typeProblem(attribute: ModelAttribute, rule: FieldRule): string | null {
  if (!rule.types.includes(attribute.type)) return `is ${describe(attribute)}; ${rule.needed} is needed`;
  if (attribute.type === 'media') {
    if (attribute.multiple) return `is ${describe(attribute)}; ${rule.needed} is needed`;
    if (Array.isArray(attribute.allowedTypes) && !attribute.allowedTypes.includes('images')) {
      return `accepts no images (its allowed types: ${attribute.allowedTypes.join(', ')}); an image media attribute is needed`;
    }
  }
  return null;
}

const withoutEmpty = (record: UnknownRecord): UnknownRecord =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));

/** Checks a URL pattern: absolute http(s), balanced braces, placeholders that are scalar attributes of the entry. */
function checkUrlPattern(value: unknown, model: ContentModel, report: (problem: string) => void): void {
  const example = 'e.g. "https://example.org/talks/{slug}"';
  if (typeof value !== 'string' || value.trim() === '') {
    report(`fields.url must be a URL pattern with {attribute} placeholders, ${example}`);
    return;
  }
  if (!/^https?:\/\/[^/{}\s]/i.test(value)) {
    report(`fields.url ${quoted(value)} must be an absolute http:// or https:// URL, ${example}`);
    return;
  }
  const withoutPlaceholders = value.replace(/\{[^{}]*\}/g, '');
  if (/[{}]/.test(withoutPlaceholders)) {
    report(`fields.url ${quoted(value)} has a "{" or "}" that does not enclose an attribute name`);
    return;
  }
  for (const [, name] of value.matchAll(/\{([^{}]*)\}/g)) {
    if (name === 'locale' && model.pluginOptions?.i18n?.localized !== true) {
      report(`fields.url placeholder {locale} needs a localized content type; ${model.uid} is not localized`);
      continue;
    }
    if ((ENTRY_PLACEHOLDERS as readonly string[]).includes(name)) continue;
    if (name.includes('.')) {
      report(
        `fields.url placeholder {${name}} follows a relation; only attributes of ${model.uid} itself can fill a URL`,
      );
      continue;
    }
    const attribute = PATH.test(name) ? ownAttribute(model, name) : undefined;
    if (!attribute) {
      report(`fields.url placeholder {${name}} ${notAnAttribute(model)}`);
    } else if (attribute.private) {
      report(`fields.url placeholder {${name}} is a private attribute, which is never published`);
    } else if (!(SCALAR_TYPES as readonly string[]).includes(attribute.type)) {
      report(
        `fields.url placeholder {${name}} is ${describe(attribute)}; only a scalar attribute (text, number, date, boolean, enumeration, uid) can fill a URL`,
      );
    }
  }
}

function checkFields(
  value: unknown,
  kind: ContentSource['kind'],
  model: ContentModel,
  timezone: unknown,
  getModel: ModelLookup,
  report: (problem: string) => void,
): { fields: EventFieldMapping | ContactFieldMapping; textFormat: string | null } | null {
  const rules: Record<string, FieldRule> = kind === 'calendar' ? eventRules : contactRules;
  const required = kind === 'calendar' ? ['summary', 'start'] : ['fullName'];
  const known = [...Object.keys(rules), 'url'];
  if (!isRecord(value)) {
    report(
      `fields must be an object mapping ${required.join(' and ')} (and optionally ${known.filter((name) => !required.includes(name)).join(', ')}) to attributes`,
    );
    return null;
  }
  let ok = true;
  const fail = (problem: string) => {
    ok = false;
    report(problem);
  };
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`fields.${key} is not a known field (known: ${known.join(', ')})`);
  }
  for (const key of required) {
    if (value[key] === undefined || value[key] === null) fail(`fields.${key} is required`);
  }
  const resolved: Record<string, ResolvedPath> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const path = value[key];
    if (path === undefined || path === null) continue;
    if (typeof path !== 'string' || path === '') {
      fail(`fields.${key} must be an attribute name (a string), got ${quoted(path)}`);
      continue;
    }
    const result = resolvePath(path, model, rule, key, getModel);
    if (typeof result === 'string') fail(`fields.${key} ${quoted(path)}${result}`);
    else resolved[key] = result;
  }
  if (value.url !== undefined && value.url !== null) checkUrlPattern(value.url, model, fail);

  if (kind === 'calendar') {
    const start = resolved.start?.attribute.type;
    const end = resolved.end?.attribute.type;
    if (resolved.startTime && start === 'datetime') {
      fail(`fields.startTime is only read with a date start; fields.start ${quoted(value.start)} is a datetime`);
    }
    if (resolved.endTime) {
      if (end === 'datetime') {
        fail(`fields.endTime is only read with a date end; fields.end ${quoted(value.end)} is a datetime`);
      } else if (end === undefined && (value.end === undefined || value.end === null) && start === 'datetime') {
        fail(`fields.endTime needs a date end or a date start; fields.start ${quoted(value.start)} is a datetime`);
      }
    }
    for (const key of ['startTime', 'endTime']) {
      if (resolved[key] && (timezone === undefined || timezone === null)) {
        fail(`fields.${key} needs timezone, the IANA time zone its times are in (e.g. "Europe/Berlin")`);
      }
    }
  }
  if (!ok) return null;
  const textKey = kind === 'calendar' ? 'description' : 'note';
  const fields = Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined && entry !== null),
  ) as unknown as EventFieldMapping | ContactFieldMapping;
  return { fields, textFormat: resolved[textKey]?.attribute.type ?? null };
}

function checkFilter(given: unknown, model: ContentModel, report: (problem: string) => void): SourceFilter | null {
  if (!isRecord(given)) {
    report(`filter must be an object with ${FILTER_KEYS.join(', ')}`);
    return null;
  }
  const value = withoutEmpty(given);
  let ok = true;
  const fail = (problem: string) => {
    ok = false;
    report(problem);
  };
  for (const key of Object.keys(value)) {
    if (!FILTER_KEYS.includes(key)) fail(`filter.${key} is not a known key (known: ${FILTER_KEYS.join(', ')})`);
  }
  const filter: SourceFilter = {};
  if (value.status !== undefined) {
    if (value.status !== 'published' && value.status !== 'draft') {
      fail(`filter.status must be "published" or "draft", got ${quoted(value.status)}`);
    } else if (model.options?.draftAndPublish !== true) {
      fail(`filter.status ${quoted(value.status)} needs Draft & Publish, which ${model.uid} does not have`);
    } else {
      filter.status = value.status;
    }
  }
  if (value.locale !== undefined) {
    if (typeof value.locale !== 'string' || !LOCALE.test(value.locale)) {
      fail(`filter.locale must be a locale code such as "en" or "fr-FR", got ${quoted(value.locale)}`);
    } else if (model.pluginOptions?.i18n?.localized !== true) {
      fail(`filter.locale ${quoted(value.locale)} needs a localized content type; ${model.uid} is not localized`);
    } else {
      filter.locale = value.locale;
    }
  }
  if (value.where !== undefined) {
    if (!isRecord(value.where)) {
      fail(`filter.where must be an object of attribute values, e.g. { "public": true }`);
    } else {
      const where: Record<string, string | number | boolean | null> = {};
      for (const [name, expected] of Object.entries(value.where)) {
        const attribute = PATH.test(name) ? ownAttribute(model, name) : undefined;
        if (!attribute) {
          fail(`filter.where ${quoted(name)} ${notAnAttribute(model)}`);
        } else if (!(SCALAR_TYPES as readonly string[]).includes(attribute.type)) {
          fail(`filter.where ${quoted(name)} is ${describe(attribute)}; only scalar attributes can be compared`);
        } else if (
          expected !== null &&
          typeof expected !== 'string' &&
          typeof expected !== 'boolean' &&
          !(typeof expected === 'number' && Number.isFinite(expected))
        ) {
          fail(`filter.where.${name} must be a string, number, boolean or null, got ${quoted(expected)}`);
        } else {
          where[name] = expected as string | number | boolean | null;
        }
      }
      filter.where = where;
    }
  }
  return ok ? filter : null;
}

/** Checks one source; its problems are added to `problems` with its label. Returns the typed source when it is valid. */
function checkSource(given: unknown, label: string, getModel: ModelLookup, problems: string[]): ContentSource | null {
  const before = problems.length;
  const report = (problem: string) => problems.push(`${label}: ${problem}`);
  if (!isRecord(given)) {
    report('must be an object with kind, slug, name, contentType, visibility and fields');
    return null;
  }
  const knownKeys = given.kind === 'addressbook' ? COMMON_KEYS : CALENDAR_KEYS;
  for (const key of Object.keys(given)) {
    if (!knownKeys.includes(key)) report(`${key} is not a known key (known: ${knownKeys.join(', ')})`);
  }
  // A key set to null is a key left out.
  const value = withoutEmpty(given);
  const kind = value.kind;
  for (const key of ['kind', 'slug', 'name', 'contentType', 'visibility', 'fields']) {
    if (value[key] === undefined || value[key] === null) report(`${key} is required`);
  }
  if (kind !== undefined && kind !== null && kind !== 'calendar' && kind !== 'addressbook') {
    report(`kind must be "calendar" or "addressbook", got ${quoted(kind)}`);
  }
  const slug = value.slug;
  if (
    slug !== undefined &&
    slug !== null &&
    (typeof slug !== 'string' || !SOURCE_SLUG.test(slug) || slug.length > MAX_SOURCE_SLUG_LENGTH)
  ) {
    report(
      `slug ${quoted(slug)} is not URL-safe: lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most ${MAX_SOURCE_SLUG_LENGTH} characters`,
    );
  }
  if (value.name !== undefined && value.name !== null && (typeof value.name !== 'string' || value.name.trim() === '')) {
    report(`name must be a non-empty string, got ${quoted(value.name)}`);
  }
  if (value.description !== undefined && typeof value.description !== 'string') {
    report(`description must be a string, got ${quoted(value.description)}`);
  }
  const visibility = value.visibility;
  if (visibility !== undefined && visibility !== null && visibility !== 'public' && visibility !== 'private') {
    report(`visibility must be "public" or "private", got ${quoted(visibility)}`);
  }
  if (value.owner !== undefined && (typeof value.owner !== 'string' || value.owner.trim() === '')) {
    report(`owner must be a username (a non-empty string), got ${quoted(value.owner)}`);
  }
  const roles = value.sharedWithRoles;
  if (
    roles !== undefined &&
    (!Array.isArray(roles) || !roles.every((role): role is string => typeof role === 'string' && role.trim() !== ''))
  ) {
    report(`sharedWithRoles must be a list of role types such as ["authenticated"], got ${quoted(roles)}`);
  }
  if (kind === 'calendar') {
    if (value.timezone !== undefined && (typeof value.timezone !== 'string' || !isIanaTimeZone(value.timezone))) {
      report(`timezone ${quoted(value.timezone)} is not an IANA time zone name such as "Europe/Berlin"`);
    }
    if (value.color !== undefined && (typeof value.color !== 'string' || !COLOR.test(value.color))) {
      report(`color ${quoted(value.color)} must be a color as #rrggbb, e.g. "#1e90ff"`);
    }
  }

  const contentType = value.contentType;
  let model: ContentModel | undefined;
  if (contentType !== undefined && contentType !== null) {
    model = typeof contentType === 'string' ? getModel(contentType) : undefined;
    if (!model) {
      report(`contentType ${quoted(contentType)} is not a content type of this site`);
    } else if (model.kind !== 'collectionType') {
      report(
        `contentType ${quoted(contentType)} is ${model.kind ? `a ${model.kind}` : 'not a content type'}; a collectionType is needed`,
      );
      model = undefined;
    }
  }

  let checkedFields: ReturnType<typeof checkFields> = null;
  let filter: SourceFilter | null = null;
  if (model && (kind === 'calendar' || kind === 'addressbook')) {
    if (value.fields !== undefined && value.fields !== null) {
      checkedFields = checkFields(value.fields, kind, model, value.timezone, getModel, report);
    }
    if (value.filter !== undefined) filter = checkFilter(value.filter, model, report);
    if (kind === 'calendar' && value.groupBy !== undefined) {
      const groupBy = value.groupBy;
      if (typeof groupBy !== 'string' || groupBy === '') {
        report(`groupBy must be an attribute name (a string), got ${quoted(groupBy)}`);
      } else {
        const result = resolvePath(groupBy, model, groupRule, 'groupBy', getModel);
        if (typeof result === 'string') report(`groupBy ${quoted(groupBy)}${result}`);
      }
    }
  }
  if (problems.length > before || !checkedFields) return null;

  const common = {
    slug: value.slug as string,
    name: value.name as string,
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
    contentType: value.contentType as string,
    visibility: visibility as 'public' | 'private',
    ...(typeof value.owner === 'string' ? { owner: value.owner } : {}),
    ...(Array.isArray(roles) ? { sharedWithRoles: [...(roles as string[])] } : {}),
    ...(filter ? { filter } : {}),
  };
  const source: ContentSource =
    kind === 'calendar'
      ? {
          kind: 'calendar',
          ...common,
          fields: checkedFields.fields as EventFieldMapping,
          ...(typeof value.timezone === 'string' ? { timezone: value.timezone } : {}),
          ...(typeof value.color === 'string' ? { color: value.color } : {}),
          ...(typeof value.groupBy === 'string' ? { groupBy: value.groupBy } : {}),
        }
      : { kind: 'addressbook', ...common, fields: checkedFields.fields as ContactFieldMapping };
  if (checkedFields.textFormat) checkedFormats.set(source, checkedFields.textFormat);
  return source;
}

/**
 * Checks the `sources` setting (unknown value from the config) against the site's models; throws SourceConfigError
 * whose message names the source (by slug, or by position when it has no valid slug) and the exact key or field
 * that is wrong and why, every problem found joined by "; ". A missing setting is no sources. Returns the typed
 * sources: copies holding only the known keys, which remember the format of their description (see MappingOptions).
 */
export function checkSources(value: unknown, getModel: ModelLookup): ContentSource[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    const got = typeof value === 'object' ? 'an object' : quoted(value);
    throw new SourceConfigError(`sources must be a list of calendar and address book sources, got ${got}`);
  }
  const problems: string[] = [];
  const firstBySlug = new Map<string, number>();
  const sources: ContentSource[] = [];
  value.forEach((entry, index) => {
    const slug = isRecord(entry) ? entry.slug : undefined;
    const validSlug = typeof slug === 'string' && SOURCE_SLUG.test(slug) && slug.length <= MAX_SOURCE_SLUG_LENGTH;
    const first = validSlug ? firstBySlug.get(slug) : undefined;
    const label = validSlug && first === undefined ? `source "${slug}"` : `sources[${index}]`;
    if (validSlug && first !== undefined) {
      problems.push(`${label}: slug "${slug}" is already used by sources[${first}]; slugs must be unique`);
    } else if (validSlug) {
      firstBySlug.set(slug, index);
    }
    const source = checkSource(entry, label, getModel, problems);
    if (source) sources.push(source);
  });
  if (problems.length > 0) throw new SourceConfigError(problems.join('; '));
  return sources;
}

// ---------------------------------------------------------------------------------------------------------------
// What to read

/** Every attribute path a source reads (fields and groupBy; URL placeholders are plain attributes). */
function pathsOf(source: ContentSource): string[] {
  const paths: string[] = [];
  for (const [key, path] of Object.entries(source.fields) as Array<[string, unknown]>) {
    if (key !== 'url' && typeof path === 'string') paths.push(path);
  }
  if (source.kind === 'calendar' && source.groupBy) paths.push(source.groupBy);
  return paths;
}

const urlPlaceholders = (pattern: string | undefined): string[] =>
  pattern ? [...pattern.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]) : [];

/** The media fields a mapping reads: the file's URL, its type, and its renditions. */
export const MEDIA_FIELDS = ['url', 'mime', 'formats'] as const;

/** The document-service `populate` that reads everything the mapping needs (relations used in paths with the needed fields; media with url, mime, formats). */
export function sourcePopulate(source: ContentSource, getModel: ModelLookup): Record<string, unknown> {
  const model = getModel(source.contentType);
  if (!model) return {};
  const fields = new Map<string, Set<string>>();
  const need = (relation: string, names: readonly string[]) => {
    const set = fields.get(relation) ?? new Set<string>();
    names.forEach((name) => set.add(name));
    fields.set(relation, set);
  };
  for (const path of pathsOf(source)) {
    const [first, second] = path.split('.');
    const attribute = ownAttribute(model, first);
    if (attribute?.type === 'relation' && second !== undefined) need(first, [second]);
    else if (attribute?.type === 'media') need(first, MEDIA_FIELDS);
  }
  return Object.fromEntries([...fields].map(([name, set]) => [name, { fields: [...set].sort() }]));
}

/**
 * The document-service `fields` for the entry itself: the attributes the mapping reads of it (not relations or
 * media, which `sourcePopulate` reads), with updatedAt, and publishedAt and locale where the type has them.
 */
export function sourceFields(source: ContentSource, getModel: ModelLookup): string[] {
  const model = getModel(source.contentType);
  if (!model) return [];
  const names = new Set<string>(['updatedAt']);
  if (model.options?.draftAndPublish) names.add('publishedAt');
  if (model.pluginOptions?.i18n?.localized) names.add('locale');
  const own = [...pathsOf(source), ...urlPlaceholders(source.fields.url)].filter((path) => !path.includes('.'));
  for (const name of own) {
    const attribute = ownAttribute(model, name);
    if (attribute && attribute.type !== 'relation' && attribute.type !== 'media') names.add(name);
  }
  return [...names];
}

// ---------------------------------------------------------------------------------------------------------------
// Reading values

/** Control characters, which no iCalendar or vCard text may hold (tabs and line breaks stay). */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

const cleanText = (value: string): string => value.replace(/\r\n?/g, '\n').replace(CONTROLS, '');

/** The values at a path: one for an attribute; one per related entry for `relation.attribute`. Never throws. */
function valuesAt(entry: SourceEntry, path: FieldPath | undefined): unknown[] {
  if (!path || !isRecord(entry)) return [];
  const [first, second] = path.split('.');
  const value: unknown = Object.prototype.hasOwnProperty.call(entry, first) ? entry[first] : undefined;
  if (second === undefined) return value === undefined || value === null ? [] : [value];
  const related = Array.isArray(value) ? value : [value];
  return related.flatMap((item) => {
    if (!isRecord(item)) return [];
    const own = Object.prototype.hasOwnProperty.call(item, second) ? item[second] : undefined;
    return own === undefined || own === null ? [] : [own];
  });
}

const valueAt = (entry: SourceEntry, path: FieldPath | undefined): unknown => valuesAt(entry, path)[0];

/** A value as text (line breaks as LF, no control characters), trimmed; null when empty or not text-like. */
function textOf(value: unknown): string | null {
  let text: string | null = null;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint' || typeof value === 'boolean') text = String(value);
  if (text === null) return null;
  const clean = cleanText(text).trim();
  return clean === '' ? null : clean;
}

/** The distinct texts at a path, in order. */
function textsAt(entry: SourceEntry, path: FieldPath | undefined): string[] {
  const texts = valuesAt(entry, path)
    .map(textOf)
    .filter((text): text is string => text !== null);
  return [...new Set(texts)];
}

function numberOf(value: unknown): number | null {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Times

const DATE_VALUE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_VALUE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** A date attribute's value ("YYYY-MM-DD"), checked to be a real day. */
function dateOf(value: unknown): CalendarDate | null {
  if (typeof value !== 'string') return null;
  const match = DATE_VALUE.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(2000, month - 1, day));
  if (month < 1 || month > 12 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (year < 1000) return null;
  return { year, month, day };
}

/** A time attribute's value ("HH:mm:ss.SSS", "HH:mm:ss" or "HH:mm"). */
function timeOfDayOf(value: unknown): TimeOfDay | null {
  if (typeof value !== 'string') return null;
  const match = TIME_VALUE.exec(value.trim());
  if (!match) return null;
  const [hour, minute, second] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  return hour < 24 && minute < 60 && second < 60 ? { hour, minute, second } : null;
}

const inStoredRange = (ms: number): boolean => ms >= MIN_DATE_TIME.getTime() && ms <= MAX_DATE_TIME.getTime();

/** A datetime attribute's value (ISO text or a Date) as milliseconds, within the dates the server stores. */
function instantOf(value: unknown): number | null {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && inStoredRange(ms) ? ms : null;
}

/** What a date or datetime attribute holds: a day, or an instant. */
type Moment = { kind: 'date'; date: CalendarDate } | { kind: 'instant'; ms: number };

function momentOf(value: unknown): Moment | null {
  const date = dateOf(value);
  if (date) return { kind: 'date', date };
  if (typeof value === 'string' && DATE_VALUE.test(value.trim())) return null;
  const ms = instantOf(value);
  return ms === null ? null : { kind: 'instant', ms };
}

const zoneCache = new Map<string, ICAL.Timezone | null>();

/** The ical.js zone of an IANA name, or null for UTC and unknown names (times are then read in UTC). */
function zoneOf(timezone: string | undefined): ICAL.Timezone | null {
  if (!timezone || isUtcName(timezone) || !isIanaTimeZone(timezone)) return null;
  const cached = zoneCache.get(timezone);
  if (cached !== undefined) return cached;
  const definition = vtimezoneComponent(timezone);
  const zone = definition ? new ICAL.Timezone({ component: definition, tzid: timezone }) : null;
  zoneCache.set(timezone, zone);
  return zone;
}

/** The instant of a wall time in a zone (UTC without one). */
function wallInstant(date: CalendarDate, time: TimeOfDay, zone: ICAL.Timezone | null): number {
  if (!zone) return Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second);
  return ICAL.Time.fromData({ ...date, ...time, isDate: false }, zone).toUnixTime() * 1000;
}

/** The day an instant falls on in a zone (UTC without one). */
function dayOf(ms: number, zone: ICAL.Timezone | null): CalendarDate {
  if (zone) {
    const wall = zonedTime(ms, zone);
    return { year: wall.year, month: wall.month, day: wall.day };
  }
  const date = new Date(ms);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const dayMs = (date: CalendarDate): number => Date.UTC(date.year, date.month - 1, date.day);
const nextDay = (date: CalendarDate): CalendarDate => dayOf(dayMs(date) + DAY_MS, null);
const MIDNIGHT: TimeOfDay = { hour: 0, minute: 0, second: 0 };

interface Schedule {
  /** As EventFields has them: ISO instants; an all-day start and end are dates at 00:00Z, the end exclusive. */
  start: string;
  end: string | null;
  allDay: boolean;
}

/**
 * When an entry's event takes place. Datetimes are instants; a date with a time of day is a wall time in the
 * source's zone; a date without one (or `allDay` true) is an all-day event whose end, a date, is its last day.
 * Without an end, `durationMinutes`; an end before the start is left out. Null when the entry has no start.
 */
function scheduleOf(entry: SourceEntry, source: CalendarSource): Schedule | null {
  const fields = source.fields;
  const zone = zoneOf(source.timezone);
  const start = momentOf(valueAt(entry, fields.start));
  if (!start) return null;
  const end = fields.end ? momentOf(valueAt(entry, fields.end)) : null;
  const startTime = start.kind === 'date' && fields.startTime ? timeOfDayOf(valueAt(entry, fields.startTime)) : null;
  const allDay =
    (fields.allDay ? valueAt(entry, fields.allDay) === true : false) || (start.kind === 'date' && !startTime);

  if (allDay) {
    const first = start.kind === 'date' ? start.date : dayOf(start.ms, zone);
    const last = end ? (end.kind === 'date' ? end.date : dayOf(end.ms, zone)) : first;
    const startMs = dayMs(first);
    const endMs = dayMs(nextDay(last));
    return {
      start: new Date(startMs).toISOString(),
      end: endMs > startMs && inStoredRange(endMs) ? new Date(endMs).toISOString() : null,
      allDay: true,
    };
  }

  const startMs = start.kind === 'instant' ? start.ms : wallInstant(start.date, startTime ?? MIDNIGHT, zone);
  let endMs: number | null = null;
  if (end?.kind === 'instant') {
    endMs = end.ms;
  } else if (end?.kind === 'date') {
    // A date end without its time of day: the event lasts until the end of that day.
    const endTime = fields.endTime ? timeOfDayOf(valueAt(entry, fields.endTime)) : null;
    endMs = endTime ? wallInstant(end.date, endTime, zone) : wallInstant(nextDay(end.date), MIDNIGHT, zone);
  } else if (fields.endTime && start.kind === 'date') {
    // No end date: the end time is on the start's day.
    const endTime = timeOfDayOf(valueAt(entry, fields.endTime));
    if (endTime) endMs = wallInstant(start.date, endTime, zone);
  }
  if (endMs === null && fields.durationMinutes) {
    const minutes = numberOf(valueAt(entry, fields.durationMinutes));
    if (minutes !== null && minutes >= 0) endMs = startMs + Math.round(minutes * 60_000);
  }
  if (!inStoredRange(startMs)) return null;
  if (endMs !== null && (endMs < startMs || !inStoredRange(endMs))) endMs = null;
  return {
    start: new Date(startMs).toISOString(),
    end: endMs === null ? null : new Date(endMs).toISOString(),
    allDay: false,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// URLs

/** An http(s) URL made absolute against the site's URL (origin, and path when the site has one); null otherwise. */
function absoluteUrl(url: string, siteOrigin: string | undefined): string | null {
  let candidate = url.trim();
  if (candidate.startsWith('/') && !candidate.startsWith('//')) {
    if (!siteOrigin) return null;
    candidate = siteOrigin.trim().replace(/\/+$/, '') + candidate;
  }
  try {
    const parsed = siteOrigin ? new URL(candidate, siteOrigin) : new URL(candidate);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A placeholder's value as text: text, numbers and booleans as they are, dates as ISO. */
function placeholderText(value: unknown): string | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : null;
  return textOf(value);
}

/** The URL of an entry from a pattern, each `{attribute}` URL-encoded as a path segment; null when one is empty. */
function urlFromPattern(pattern: string | undefined, entry: SourceEntry): string | null {
  if (!pattern) return null;
  let complete = true;
  const url = pattern.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    const value = placeholderText(Object.prototype.hasOwnProperty.call(entry, name) ? entry[name] : undefined);
    if (value === null) complete = false;
    return value === null ? '' : encodeURIComponent(value);
  });
  if (!complete) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Where a caller puts a media file's bytes as a data: URI for the vCard to carry them inline. */
export const INLINE_PHOTO = 'inlinePhoto';

/** A media value's image URL: a small rendition when the file has one, else the file; null for other files. */
function imageUrlOf(value: unknown, siteOrigin: string | undefined): string | null {
  const file = Array.isArray(value) ? value[0] : value;
  if (!isRecord(file)) return null;
  if (typeof file.mime === 'string' && !file.mime.toLowerCase().startsWith('image/')) return null;
  // The image's bytes, when the caller read them (INLINE_PHOTO): clients show an inline photo, not all fetch a URL.
  const inline = file[INLINE_PHOTO];
  if (typeof inline === 'string' && inline.startsWith('data:image/')) return inline;
  const formats = isRecord(file.formats) ? file.formats : {};
  const candidates = [formats.small, formats.thumbnail].map((format) => (isRecord(format) ? format.url : undefined));
  for (const url of [...candidates, file.url]) {
    if (typeof url !== 'string' || url.trim() === '') continue;
    const absolute = absoluteUrl(url, siteOrigin);
    if (absolute) return absolute;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Rich text: Markdown (richtext) and blocks as plain text, blocks as HTML too

/** Markers standing in for protected text while the Markdown cleanup runs (NUL never stays in entry text). */
const protect = (stash: string[], text: string): string => `\u0000${stash.push(text) - 1}\u0000`;
function restore(stash: string[], text: string): string {
  let restored = text;
  // A protected link text may hold protected code: as many passes as there are nested markers.
  for (let pass = 0; pass <= stash.length && restored.includes('\u0000'); pass++) {
    restored = restored.replace(/\u0000(\d+)\u0000/g, (_, index: string) => stash[Number(index)] ?? '');
  }
  return restored;
}

const linkText = (text: string, url: string): string => {
  const label = text.trim();
  return label === '' || label === url ? url : `${label} (${url})`;
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** The inline marks of one line of Markdown removed: links as `text (url)`, emphasis and code marks dropped. */
function markdownInline(line: string, stash: string[]): string {
  let text = line
    // Code spans and backslash escapes are kept as they are written.
    .replace(/(`+)([^`]+)\1(?!`)/g, (_, __, code: string) => protect(stash, code.trim()))
    .replace(/\\([!-/:-@[-`{-~])/g, (_, character: string) => protect(stash, character))
    .replace(/!\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g, (_, alt: string, url: string) =>
      protect(stash, linkText(alt, url)),
    )
    .replace(/\[([^\]]+)\]\(\s*<?([^\s)>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g, (_, label: string, url: string) =>
      protect(stash, linkText(markdownInline(label, stash), url)),
    )
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|mailto|ftp):[^\s<>]+)>/gi, (_, url: string) => protect(stash, url))
    .replace(/<([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>/g, (_, address: string) => protect(stash, address))
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?\/?>/g, '');
  for (let pass = 0; pass < 3; pass++) {
    const before = text;
    text = text
      .replace(/(\*{1,3})(?=\S)([^*]*?\S)\1(?!\*)/g, '$2')
      .replace(/(^|[^\w])(_{1,3})(?=\S)([^_]*?\S)\2(?!\w)/g, '$1$3')
      .replace(/~~(?=\S)([^~]*?\S)~~/g, '$1');
    if (text === before) break;
  }
  return text.replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
}

const MAX_MARKDOWN_LINE = 10_000;

/**
 * Markdown (a richtext attribute) as readable plain text. Not a Markdown parser: a conservative cleanup, line by
 * line, of the marks editors use most (headings, lists, quotes, fenced code, links and images as `text (url)`,
 * emphasis, code spans, inline HTML tags, table rules), leaving anything it does not recognise as it is.
 */
export function markdownToText(markdown: string): string {
  const lines = cleanText(markdown).split('\n');
  const output: string[] = [];
  const stash: string[] = [];
  let fence: string | null = null;
  for (const [index, line] of lines.entries()) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (
        fenceMatch &&
        fenceMatch[1][0] === fence[0] &&
        fenceMatch[1].length >= fence.length &&
        line.trim() === fenceMatch[1]
      ) {
        fence = null;
      } else {
        output.push(line);
      }
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      continue;
    }
    // A line far longer than prose has is kept as it is, rather than run through every pattern.
    if (line.length > MAX_MARKDOWN_LINE) {
      output.push(line);
      continue;
    }
    // Rules, setext heading underlines and table separator rows carry no text.
    const previous = index > 0 ? lines[index - 1].trim() : '';
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      output.push('');
      continue;
    }
    if (/^\s{0,3}=+\s*$/.test(line) && previous !== '') continue;
    if (/^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$/.test(line)) continue;

    let text = line.replace(/^\s{0,3}(>\s?)+/, '');
    const heading = /^\s{0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(text);
    if (heading) {
      text = heading[1] ?? '';
    } else {
      text = text
        .replace(/^(\s*)[*+-]\s+(?:\[( |x|X)\]\s+)?/, (_, indent: string) => `${indent}- `)
        .replace(/^(\s*)(\d{1,9})[.)]\s+/, (_, indent: string, number: string) => `${indent}${number}. `);
    }
    output.push(markdownInline(text, stash).replace(/\s+$/, ''));
  }
  return restore(stash, output.join('\n'))
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+|\s+$/g, '');
}

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A link target safe to put in HTML: http(s), mailto and tel, absolute; others are left as text. */
function safeHref(url: unknown, siteOrigin: string | undefined): string | null {
  if (typeof url !== 'string' || url.trim() === '') return null;
  const trimmed = url.trim();
  if (/^(mailto|tel):/i.test(trimmed)) return trimmed;
  return absoluteUrl(trimmed, siteOrigin);
}

interface RichText {
  text: string;
  html: string;
}

/** Blocks are nested at most this deep here: deeper content is left out rather than recursed into. */
const MAX_BLOCK_DEPTH = 32;

const childrenOf = (node: UnknownRecord): unknown[] => (Array.isArray(node.children) ? node.children : []);

/** Inline content (text nodes with their marks, links) as text and HTML. */
function inlineOf(nodes: unknown[], siteOrigin: string | undefined, depth: number): RichText {
  let text = '';
  let html = '';
  if (depth > MAX_BLOCK_DEPTH) return { text, html };
  for (const node of nodes) {
    if (!isRecord(node)) continue;
    if (node.type === 'text' || (node.type === undefined && typeof node.text === 'string')) {
      const value = typeof node.text === 'string' ? cleanText(node.text) : '';
      if (value === '') continue;
      text += value;
      let markup = escapeHtml(value).replace(/\n/g, '<br>');
      if (node.code === true) markup = `<code>${markup}</code>`;
      if (node.strikethrough === true) markup = `<s>${markup}</s>`;
      if (node.underline === true) markup = `<u>${markup}</u>`;
      if (node.italic === true) markup = `<em>${markup}</em>`;
      if (node.bold === true) markup = `<strong>${markup}</strong>`;
      html += markup;
    } else if (node.type === 'link') {
      const inner = inlineOf(childrenOf(node), siteOrigin, depth + 1);
      const href = safeHref(node.url, siteOrigin);
      if (href) {
        text += linkText(inner.text, href);
        html += `<a href="${escapeHtml(href)}">${inner.html || escapeHtml(href)}</a>`;
      } else {
        text += inner.text;
        html += inner.html;
      }
    } else {
      const inner = inlineOf(childrenOf(node), siteOrigin, depth + 1);
      text += inner.text;
      html += inner.html;
    }
  }
  return { text, html };
}

/** A list (with the lists nested in it, as siblings of its items or inside them) as text lines and HTML. */
function listOf(node: UnknownRecord, siteOrigin: string | undefined, depth: number, level: number): RichText {
  const ordered = node.format === 'ordered';
  const indent = '  '.repeat(level);
  const lines: string[] = [];
  const items: string[] = [];
  let number = 0;
  if (depth > MAX_BLOCK_DEPTH) return { text: '', html: '' };
  for (const child of childrenOf(node)) {
    if (!isRecord(child)) continue;
    if (child.type === 'list') {
      const nested = listOf(child, siteOrigin, depth + 1, level + 1);
      if (nested.text) lines.push(nested.text);
      if (items.length > 0) items[items.length - 1] = items[items.length - 1].replace(/<\/li>$/, `${nested.html}</li>`);
      else items.push(`<li>${nested.html}</li>`);
      continue;
    }
    const inline = childrenOf(child).filter((item) => !(isRecord(item) && item.type === 'list'));
    const content = inlineOf(inline, siteOrigin, depth + 1);
    const nestedLists = childrenOf(child)
      .filter((item): item is UnknownRecord => isRecord(item) && item.type === 'list')
      .map((inner) => listOf(inner, siteOrigin, depth + 1, level + 1));
    // An empty item (what an editor leaves when a list ends) is no item.
    if (content.text.trim() === '' && nestedLists.every((nested) => nested.text === '')) continue;
    number += 1;
    lines.push(`${indent}${ordered ? `${number}.` : '-'} ${content.text.replace(/\n/g, `\n${indent}  `)}`);
    for (const nested of nestedLists) if (nested.text) lines.push(nested.text);
    items.push(`<li>${content.html}${nestedLists.map((nested) => nested.html).join('')}</li>`);
  }
  const tag = ordered ? 'ol' : 'ul';
  return { text: lines.join('\n'), html: items.length > 0 ? `<${tag}>${items.join('')}</${tag}>` : '' };
}

/**
 * Strapi blocks (the blocks editor's JSON) as plain text, paragraphs separated by blank lines and list items as
 * `- ` and `1. `, and as simple HTML. Unknown nodes give the text of their children; nothing here throws.
 */
export function blocksToRichText(blocks: unknown, siteOrigin?: string): RichText {
  const texts: string[] = [];
  const htmls: string[] = [];
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!isRecord(block)) continue;
    let text = '';
    let html = '';
    switch (block.type) {
      case 'heading': {
        const inline = inlineOf(childrenOf(block), siteOrigin, 1);
        const level =
          typeof block.level === 'number' && block.level >= 1 && block.level <= 6 ? Math.floor(block.level) : 2;
        text = inline.text;
        html = inline.html ? `<h${level}>${inline.html}</h${level}>` : '';
        break;
      }
      case 'list': {
        const list = listOf(block, siteOrigin, 1, 0);
        text = list.text;
        html = list.html;
        break;
      }
      case 'quote': {
        const inline = inlineOf(childrenOf(block), siteOrigin, 1);
        text = inline.text;
        html = inline.html ? `<blockquote>${inline.html}</blockquote>` : '';
        break;
      }
      case 'code': {
        const code = inlineOf(childrenOf(block), siteOrigin, 1).text;
        text = code;
        html = code ? `<pre><code>${escapeHtml(code)}</code></pre>` : '';
        break;
      }
      case 'image': {
        const image = isRecord(block.image) ? block.image : {};
        const alt = typeof image.alternativeText === 'string' ? cleanText(image.alternativeText).trim() : '';
        const src = imageUrlOf({ ...image, formats: undefined }, siteOrigin);
        text = src ? linkText(alt, src) : alt;
        html = src
          ? `<p><img src="${escapeHtml(src)}" alt="${escapeHtml(alt)}"></p>`
          : alt
            ? `<p>${escapeHtml(alt)}</p>`
            : '';
        break;
      }
      default: {
        const inline = inlineOf(childrenOf(block), siteOrigin, 1);
        text = inline.text;
        html = inline.html ? `<p>${inline.html}</p>` : '';
      }
    }
    if (text.trim() !== '') texts.push(text.replace(/\s+$/, ''));
    if (html !== '') htmls.push(html);
  }
  return { text: texts.join('\n\n'), html: htmls.length > 0 ? `<html><body>${htmls.join('')}</body></html>` : '' };
}

/** The text (and for blocks the HTML) of a description or note, by its attribute's format. */
function describedText(
  value: unknown,
  source: ContentSource,
  path: FieldPath | undefined,
  options: MappingOptions,
): { text: string | null; html: string | null } {
  if (Array.isArray(value)) {
    const rich = blocksToRichText(value, options.siteOrigin);
    return { text: rich.text.trim() || null, html: rich.html || null };
  }
  if (typeof value !== 'string') return { text: textOf(value), html: null };
  const format = checkedFormats.get(source) ?? (path && options.getModel?.(source.contentType)?.attributes[path]?.type);
  const text = format === 'richtext' ? markdownToText(value) : cleanText(value).trim();
  return { text: text || null, html: null };
}

// ---------------------------------------------------------------------------------------------------------------
// Entries as events and contacts

/** A part of a UID: what is not a letter, a digit, ".", "_" or "-" becomes "_". */
const uidPart = (value: string): string => value.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * A stable UID for an entry of a source: `<documentId>[-<locale>]@<contentType>`, the content type with "::" and
 * "." written as "-" (`api::session.session` gives `...@api-session-session`). It depends on nothing an edit
 * changes. Entries of one type shown by two sources (or in two groups) have the same UID in each calendar.
 */
export function sourceUid(entry: SourceEntry, source: ContentSource): string {
  const documentId = uidPart(String(entry.documentId ?? ''));
  const locale = typeof entry.locale === 'string' && entry.locale !== '' ? `-${uidPart(entry.locale)}` : '';
  const type = uidPart(source.contentType.replace(/::|\./g, '-'));
  return `${documentId}${locale}@${type}`;
}

/** The stamp of generated text: the entry's updatedAt (the epoch when it has none), so equal entries give equal text. */
function stampOf(entry: SourceEntry): Date {
  const ms = entry.updatedAt instanceof Date ? entry.updatedAt.getTime() : Date.parse(String(entry.updatedAt));
  return new Date(Number.isFinite(ms) ? ms : 0);
}

const hasDocumentId = (entry: SourceEntry): boolean =>
  isRecord(entry) && typeof entry.documentId === 'string' && entry.documentId.trim() !== '';

/** TEXT escaping (backslash, comma, semicolon, newline) by ical.js, for X- properties ical.js does not type. */
const escapeText = (value: string): string => String(ICAL.design.icalendar.value.text.toICAL?.(value) ?? value);

/** The object with X-ALT-DESC;FMTTYPE=text/html added to its event (the HTML form of the description). */
function withHtmlDescription(text: string, html: string): string {
  const root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const event = root.getFirstSubcomponent('vevent');
  if (!event) return text;
  const property = new ICAL.Property('x-alt-desc');
  property.setParameter('fmttype', 'text/html');
  property.setValue(escapeText(html));
  event.addProperty(property);
  return serializeComponent(root);
}

const joined = (texts: string[]): string | null => (texts.length > 0 ? texts.join(', ') : null);

/** The iCalendar text (one VEVENT) of an entry, or null when the entry cannot be an event (no start value): deterministic (DTSTAMP/CREATED/LAST-MODIFIED from entry.updatedAt), so the same entry always gives the same bytes. */
export function eventTextOf(entry: SourceEntry, source: CalendarSource, options: MappingOptions = {}): string | null {
  if (!hasDocumentId(entry)) return null;
  const fields = source.fields;
  const schedule = scheduleOf(entry, source);
  if (!schedule) return null;
  const description = describedText(valueAt(entry, fields.description), source, fields.description, options);
  const categories = textsAt(entry, fields.categories);
  const input: EventInput = {
    uid: sourceUid(entry, source),
    componentType: 'VEVENT',
    summary: textsAt(entry, fields.summary)[0] ?? null,
    description: description.text,
    location: joined(textsAt(entry, fields.location)),
    url: urlFromPattern(fields.url, entry),
    start: schedule.start,
    end: schedule.end,
    allDay: schedule.allDay,
    timezone: schedule.allDay ? null : (source.timezone ?? null),
    rrule: null,
    exdates: null,
    eventStatus: null,
    categories: categories.length > 0 ? categories : null,
  };
  const text = buildCalendarObject(input, null, stampOf(entry));
  return description.html ? withHtmlDescription(text, description.html) : text;
}

/** The vCard text (version 3.0, as buildVCard writes new cards and every client reads) of an entry; null when it has no full name. Deterministic (REV from updatedAt). `siteOrigin` makes a media URL like `/uploads/x.jpg` absolute. */
export function contactTextOf(
  entry: SourceEntry,
  source: AddressBookSource,
  siteOrigin: string,
  options: Omit<MappingOptions, 'siteOrigin'> = {},
): string | null {
  if (!hasDocumentId(entry)) return null;
  const fields = source.fields;
  const fullName = textsAt(entry, fields.fullName)[0];
  if (!fullName) return null;
  const email = textsAt(entry, fields.email)[0];
  const phone = textsAt(entry, fields.phone)[0];
  const photo = fields.photo ? imageUrlOf(valueAt(entry, fields.photo), siteOrigin) : null;
  const note = describedText(valueAt(entry, fields.note), source, fields.note, { ...options, siteOrigin });
  const input: ContactInput = {
    uid: sourceUid(entry, source),
    fullName,
    name: null,
    nickname: null,
    emails: email ? [{ value: email }] : null,
    phones: phone ? [{ value: phone }] : null,
    addresses: null,
    organization: joined(textsAt(entry, fields.organization)),
    title: textsAt(entry, fields.title)[0] ?? null,
    role: null,
    birthday: null,
    anniversary: null,
    note: note.text,
    url: urlFromPattern(fields.url, entry),
    categories: null,
    photo: photo ? { uri: photo } : null,
    kind: 'individual',
    members: null,
  };
  return buildVCard(input, null, stampOf(entry));
}

/** Latin letters that Unicode does not decompose into a base letter and marks. */
const FOLDED_LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };

/** Longest group key (the readable part; keys of values without one are a hash). */
const MAX_GROUP_KEY_LENGTH = 60;

/**
 * A group's key from its value: lower-case ASCII letters and digits with "-" between words ("Main Hall" gives
 * `main-hall`, "Großer Saal" gives `grosser-saal`); a value with no such letters gives `g-` and 8 hex digits of its SHA-256.
 * Values that differ only in case or punctuation share a key, and so a calendar.
 */
export function groupKeyOf(value: string): string {
  const slug = value
    .replace(/[ßæœøłđþ]/gi, (letter) => FOLDED_LETTERS[letter.toLowerCase()] ?? '-')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_GROUP_KEY_LENGTH)
    .replace(/-+$/, '');
  return slug || `g-${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

/** For a calendar source with groupBy: the group(s) of an entry: key (URL-safe slug part) and display name; [] when the value is empty. An enumeration or string gives one; a to-many relation may give several (the entry is in each). */
export function groupsOf(entry: SourceEntry, source: CalendarSource): Array<{ key: string; name: string }> {
  if (!source.groupBy) return [];
  const groups: Array<{ key: string; name: string }> = [];
  const keys = new Set<string>();
  for (const name of textsAt(entry, source.groupBy)) {
    const key = groupKeyOf(name);
    if (keys.has(key)) continue;
    keys.add(key);
    groups.push({ key, name: name.replace(/\s+/g, ' ') });
  }
  return groups;
}
