import { randomUUID } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import { checkStructuredValue, type StructuredKind } from '../content-types/structured-values';
import { componentTypes } from '../ical';
import { isDavWrite } from '../store/dav-writes';
import { ADDRESS_BOOK_UID, CALENDAR_UID, CONTACT_UID, EVENT_UID } from '../uids';
import { withVCardText } from './contact-text';
import { withCalendarText } from './event-text';

type Data = Record<string, unknown>;

interface FieldProblem {
  path: string[];
  message: string;
  name: 'ValidationError';
}



/** A resource name is the last segment of an object's URL: it must stay inside its collection. */
export function isResourceName(value: string): boolean {
  return value.length > 0 && value.length <= 255 && !/[/\\\u0000-\u001f]/.test(value) && value !== '.' && value !== '..';
}

/** Zone names already checked: constructing a formatter to test one costs far more than the rest of a write. */
const knownZones = new Map<string, boolean>();

/** True for names the runtime's time zone database knows (IANA, e.g. "Europe/Paris", "UTC"). */
export function isTimeZoneName(value: string): boolean {
  const known = knownZones.get(value);
  if (known !== undefined) return known;
  let valid = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value);
  if (valid) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      valid = false;
    }
  }
  // Bounded: the names are a fixed set, and only well-formed ones are remembered.
  if (knownZones.size < 2000 && /^[A-Za-z0-9_+/-]{1,64}$/.test(value)) knownZones.set(value, valid);
  return valid;
}

const structuredFields: Record<string, Record<string, StructuredKind>> = {
  [EVENT_UID]: { exdates: 'datetime', categories: 'text' },
  [CONTACT_UID]: { name: 'name', emails: 'email', phones: 'phone', addresses: 'address', categories: 'text', members: 'text' },
};

export function collectProblems(uid: string, data: Data): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ path: [field], message, name: 'ValidationError' });

  if ((uid === CALENDAR_UID || uid === EVENT_UID) && typeof data.timezone === 'string' && data.timezone !== '') {
    if (!isTimeZoneName(data.timezone)) add('timezone', `"${data.timezone}" is not a known time zone name (for example "Europe/Berlin")`);
  }
  if (uid === CALENDAR_UID && data.components !== undefined) {
    const value = data.components;
    const valid =
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((item) => (componentTypes as readonly unknown[]).includes(item)) &&
      new Set(value).size === value.length;
    if (!valid) add('components', `must be a non-empty list of distinct values among ${componentTypes.join(', ')}`);
  }
  if ((uid === EVENT_UID || uid === CONTACT_UID) && typeof data.resourceName === 'string' && !isResourceName(data.resourceName)) {
    add('resourceName', 'must be a single URL segment (no "/" or "\\", at most 255 characters)');
  }
  if (uid === EVENT_UID && typeof data.start === 'string' && typeof data.end === 'string') {
    if (Date.parse(data.end) < Date.parse(data.start)) add('end', 'must not be before the start');
  }
  for (const [field, kind] of Object.entries(structuredFields[uid] ?? {})) {
    const problem = checkStructuredValue(kind, data[field]);
    if (problem) add(field, problem);
  }
  return problems;
}

/** Fills the identity of a new calendar object or vCard when the writer (an editor, an API call) gave none. */
function withIdentity(uid: string, data: Data): Data {
  if (uid !== EVENT_UID && uid !== CONTACT_UID) return data;
  const objectUid = typeof data.uid === 'string' && data.uid.trim() !== '' ? data.uid : randomUUID();
  const extension = uid === EVENT_UID ? '.ics' : '.vcf';
  const resourceName =
    typeof data.resourceName === 'string' && data.resourceName !== ''
      ? data.resourceName
      : `${objectUid.replace(/[^A-Za-z0-9._@-]/g, '_')}${extension}`;
  return { ...data, uid: objectUid, resourceName };
}

const pluginUids = new Set([CALENDAR_UID, EVENT_UID, ADDRESS_BOOK_UID, CONTACT_UID]);

function validationError(problems: FieldProblem[]) {
  const summary = problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; ');
  return new errors.ValidationError(summary, { errors: problems });
}

/**
 * A document-service middleware: every write to the plugin's content types, from the Content Manager, the REST or
 * GraphQL APIs or the plugin itself, passes these rules, so no source can store what a DAV client could not read.
 */
export function registerDocumentRules(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (!pluginUids.has(context.uid) || (context.action !== 'create' && context.action !== 'update')) return next();
    const params = context.params as { data?: Data };
    let data: Data = params.data ?? {};
    if (context.action === 'create') data = withIdentity(context.uid, data);
    if (context.action === 'create' && context.uid === CALENDAR_UID && (typeof data.timezone !== 'string' || data.timezone === '')) {
      // The site's default time zone, so that events editors add to it have one too.
      const { defaultTimezone } = strapi.config.get('plugin::caldav') as { defaultTimezone: string | null };
      if (defaultTimezone) data = { ...data, timezone: defaultTimezone };
    }
    const problems = collectProblems(context.uid, data);
    if (problems.length > 0) throw validationError(problems);
    if ((context.uid === EVENT_UID || context.uid === CONTACT_UID) && !isDavWrite()) {
      const documentId = context.action === 'update' ? ((context.params as { documentId?: string }).documentId ?? null) : null;
      const { maxResourceSize } = strapi.config.get('plugin::caldav') as { maxResourceSize: number };
      const result =
        context.uid === EVENT_UID ? await withCalendarText(strapi, data, documentId) : await withVCardText(strapi, data, documentId, maxResourceSize);
      if ('problem' in result) throw validationError([{ path: [result.problem.field], message: result.problem.message, name: 'ValidationError' }]);
      data = result.data;
    }
    params.data = data;
    return next();
  });
}
