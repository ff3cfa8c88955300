/**
 * Reading iCalendar text into an ical.js component tree whose TZIDs all resolve inside the tree.
 */
import ICAL from 'ical.js';

import { ContentLineError, screenContentLines } from './content-lines';
import { vtimezoneComponent } from './timezones';
import { CalendarObjectError } from './types';

export interface ParsedCalendar {
  root: ICAL.Component;
  /** VTIMEZONEs added from the IANA database for TZIDs the text uses without defining them (not part of the text). */
  addedTimezones: ICAL.Component[];
  /** TZIDs used without a VTIMEZONE that are not IANA names either: their times read as floating. */
  unknownTzids: string[];
  /** Every TZID the object's properties use (outside VTIMEZONEs): the only zones any time of it is computed in. */
  usedTzids: Set<string>;
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Checks the content lines and the nesting of text a client sent, before anything reads it (see content-lines):
 * throws CalendarObjectError (valid-calendar-data) naming the line.
 */
export function screenCalendarText(text: string): void {
  try {
    screenContentLines(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text, { groups: false, rootName: 'VCALENDAR' });
  } catch (error) {
    if (error instanceof ContentLineError) {
      throw new CalendarObjectError('valid-calendar-data', `The data is not valid iCalendar: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Parses one iCalendar object. Throws CalendarObjectError (valid-calendar-data) for text that is not iCalendar,
 * whose root is not a single VCALENDAR, or that uses more than `maxTimezones` time zones (checked before any zone is
 * expanded).
 */
export function parseCalendarText(text: string, limits: { maxTimezones?: number } = {}): ParsedCalendar {
  const source = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = ICAL.parse(source);
  } catch (error) {
    // ical.js's errors say what is wrong (a syntax error, an invalid FREQ), except those from its internals (a
    // TypeError when lines and components do not fit together), which say nothing to the sender.
    const reason =
      error instanceof TypeError || error instanceof RangeError ? 'its lines and components do not fit together' : errorMessage(error);
    throw new CalendarObjectError('valid-calendar-data', `The data is not valid iCalendar: ${reason}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new CalendarObjectError('valid-calendar-data', 'The data is empty: expected a VCALENDAR object');
  }
  // ical.js answers a single component as ['name', props, comps] and several as a list of those.
  if (Array.isArray(parsed[0])) {
    throw new CalendarObjectError(
      'valid-calendar-object-resource',
      `The data holds ${parsed.length} iCalendar objects; a calendar object resource holds exactly one VCALENDAR`,
    );
  }
  const root = new ICAL.Component(parsed);
  if (root.name !== 'vcalendar') {
    throw new CalendarObjectError('valid-calendar-data', `The data is a ${root.name.toUpperCase()}, not a VCALENDAR`);
  }
  for (const zone of root.getAllSubcomponents('vtimezone')) {
    if (typeof zone.getFirstPropertyValue('tzid') !== 'string') {
      throw new CalendarObjectError('valid-calendar-data', 'A VTIMEZONE has no TZID');
    }
  }
  const used = usedTzids(root);
  if (limits.maxTimezones !== undefined && used.size > limits.maxTimezones) {
    throw new CalendarObjectError(
      'valid-calendar-data',
      `The object uses ${used.size} time zones; at most ${limits.maxTimezones} are accepted in one object`,
    );
  }
  const resolved = resolveTimezones(root, used);
  reuseExpandedTimezones(root, used);
  return { root, ...resolved, usedTzids: used };
}

/** Every TZID parameter used in the tree outside VTIMEZONEs. Walks the tree without recursion: it may be deep. */
export function usedTzids(root: ICAL.Component): Set<string> {
  const tzids = new Set<string>();
  const pending = [root];
  for (let component = pending.pop(); component; component = pending.pop()) {
    if (component.name === 'vtimezone') continue;
    for (const property of component.getAllProperties()) {
      const tzid = property.getFirstParameter('tzid');
      if (typeof tzid === 'string' && tzid !== '') tzids.add(tzid);
    }
    const children = component.getAllSubcomponents();
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]);
  }
  return tzids;
}

export function definedTzids(root: ICAL.Component): Set<string> {
  const tzids = new Set<string>();
  for (const zone of root.getAllSubcomponents('vtimezone')) {
    const tzid = zone.getFirstPropertyValue('tzid');
    if (typeof tzid === 'string') tzids.add(tzid);
  }
  return tzids;
}

/**
 * Adds a VTIMEZONE from the IANA database for every TZID used without a definition, so that ical.js resolves it in
 * this tree (ical.js otherwise falls back to its process-wide TimezoneService). Must run before any date value of
 * the tree is read: ical.js resolves a TZID the first time it decodes the value and caches the result.
 */
function resolveTimezones(root: ICAL.Component, used: Set<string>): Pick<ParsedCalendar, 'addedTimezones' | 'unknownTzids'> {
  const defined = definedTzids(root);
  const addedTimezones: ICAL.Component[] = [];
  const unknownTzids: string[] = [];
  for (const tzid of used) {
    if (defined.has(tzid)) continue;
    const zone = vtimezoneComponent(tzid);
    if (zone) {
      root.addSubcomponent(zone);
      addedTimezones.push(zone);
    } else {
      unknownTzids.push(tzid);
    }
  }
  return { addedTimezones, unknownTzids };
}

/** Time zones already expanded, by the text of their VTIMEZONE (so that a definition only ever serves its equals). */
const expandedTimezones = new Map<string, ICAL.Timezone>();
const EXPANDED_TIMEZONES_KEPT = 256;
/** Real VTIMEZONEs take a few kilobytes; a client's megabyte-sized one is not kept (256 of them would be too much). */
const EXPANDED_TIMEZONE_MAX_LENGTH = 65_536;

/**
 * Gives the tree the already expanded ical.js Timezone for every VTIMEZONE seen before with the same text. ical.js
 * expands a zone's rules from their DTSTART (1970, or 1601 for Outlook) on first use, which costs milliseconds per
 * object; the same few definitions come with every object of a calendar. This fills ical.js's per-tree zone
 * cache (an internal of ical.js, pinned at 2.2.1); should that internal change, every tree expands its own zones
 * again, which is slower but just as right.
 */
function reuseExpandedTimezones(root: ICAL.Component, used: Set<string>): void {
  const treeCache: unknown = (root as unknown as { _timezoneCache?: unknown })._timezoneCache;
  if (!(treeCache instanceof Map)) return;
  for (const zone of root.getAllSubcomponents('vtimezone')) {
    const tzid = zone.getFirstPropertyValue('tzid');
    // A zone nothing refers to is never expanded, so it needs no cached expansion either.
    if (typeof tzid !== 'string' || !used.has(tzid) || treeCache.has(tzid)) continue;
    const key = zone.toString();
    if (key.length > EXPANDED_TIMEZONE_MAX_LENGTH) continue;
    let timezone = expandedTimezones.get(key);
    if (!timezone) {
      // A detached copy, so that the cache does not keep this object's whole tree alive.
      const definition = new ICAL.Component(JSON.parse(JSON.stringify(zone.toJSON())) as unknown[]);
      timezone = new ICAL.Timezone({ component: definition, tzid });
      if (expandedTimezones.size >= EXPANDED_TIMEZONES_KEPT) {
        expandedTimezones.delete(expandedTimezones.keys().next().value as string);
      }
      expandedTimezones.set(key, timezone);
    }
    treeCache.set(tzid, timezone);
  }
}

/** The longest message of a library error repeated to a client (ical.js quotes whole lines, which can be huge). */
const MAX_MESSAGE_LENGTH = 200;

export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}...` : message;
}
