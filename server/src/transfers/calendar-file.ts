/**
 * Cutting an iCalendar file (a calendar app's export, a feed) into calendar object resources: one per UID, holding
 * the master component and its RECURRENCE-ID overrides, with the file's VTIMEZONEs that they use. ical.js reads
 * the file; each object is written by ical.js again and then validated like a client's PUT.
 */
import { createHash } from 'node:crypto';

import ICAL from 'ical.js';

import { ContentLineError, screenContentLines } from '../ical/content-lines';
import { usedTzids } from '../ical/document';
import { serializeComponent } from '../ical/serialize';
import { ImportRefusedError } from './errors';
import type { ImportItem, SplitFile } from './types';

/** The VCALENDAR properties an object keeps; the others (METHOD, X-WR-CALNAME...) describe the file, not the object. */
const keptCalendarProperties = new Set(['version', 'prodid', 'calscale']);

const objectTypes = new Set(['vevent', 'vtodo', 'vjournal']);

interface Group {
  /** The kept properties of the VCALENDAR the first component came from. */
  head: unknown[];
  /** The components (jCal), in file order. */
  components: unknown[];
}

/** The file's VCALENDARs, read by ical.js; anything else is refused with what is wrong. */
function calendarsOf(text: string): ICAL.Component[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (source.trim() === '') throw new ImportRefusedError('The file is empty.');
  let parsed: unknown;
  try {
    parsed = ICAL.parse(source);
  } catch (error) {
    // ical.js reports its own syntax errors (with the line); content outside any component breaks it otherwise.
    if (error instanceof ICAL.parse.ParserError) throw new ImportRefusedError(`The file is not valid iCalendar: ${error.message}.`);
    throw new ImportRefusedError('The file is not iCalendar: it must consist of BEGIN:VCALENDAR ... END:VCALENDAR.');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new ImportRefusedError('The file holds no VCALENDAR.');
  try {
    // Its lines and nesting as well: ical.js reads components nested deep enough to overflow the stack later on. Its
    // characters are checked object by object, so that one bad object is skipped rather than the whole file.
    screenContentLines(source, { groups: false, rootName: 'VCALENDAR', maxComponents: Infinity, characters: false });
  } catch (error) {
    if (error instanceof ContentLineError) throw new ImportRefusedError(`The file is not valid iCalendar: ${error.message}.`);
    throw error;
  }
  // ical.js answers a single component as ['name', props, comps] and several as a list of those.
  const roots = (Array.isArray(parsed[0]) ? parsed : [parsed]).map((jCal) => new ICAL.Component(jCal as unknown[]));
  for (const root of roots) {
    if (root.name === 'vcard') throw new ImportRefusedError('The file holds vCards (contacts), not a calendar: import it into an address book.');
    if (root.name !== 'vcalendar') throw new ImportRefusedError(`The file holds a ${root.name.toUpperCase()} outside any VCALENDAR.`);
    const version = root.getFirstPropertyValue('version');
    if (version === null) throw new ImportRefusedError('The file\'s VCALENDAR has no VERSION (expected VERSION:2.0).');
    if (version !== '2.0') throw new ImportRefusedError(`The file is iCalendar version ${String(version)}; only version 2.0 can be imported.`);
  }
  return roots;
}

/**
 * A UID for a component that has none, derived from its content: importing the same file again then updates the
 * object instead of adding it twice. Shaped as a UUID (version 8: custom).
 */
function derivedUid(component: ICAL.Component): string {
  const hex = createHash('sha256').update(JSON.stringify(component.jCal)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function uidOf(component: ICAL.Component): string {
  const uid = component.getFirstPropertyValue('uid');
  if (typeof uid === 'string' && uid.trim() !== '') return uid;
  const derived = derivedUid(component);
  component.removeAllProperties('uid');
  component.addPropertyWithValue('uid', derived);
  return derived;
}

/**
 * Splits an iCalendar file into calendar objects, in the order their UIDs first appear. Throws ImportRefusedError
 * for a file that is not iCalendar 2.0. A component without a UID gets one derived from its content.
 */
export function splitCalendarFile(text: string): SplitFile {
  const roots = calendarsOf(text);
  const timezones = new Map<string, unknown>();
  const groups = new Map<string, Group>();
  for (const root of roots) {
    const head = root.getAllProperties().filter((property) => keptCalendarProperties.has(property.name)).map((property) => property.jCal);
    for (const component of root.getAllSubcomponents()) {
      if (component.name === 'vtimezone') {
        const tzid = component.getFirstPropertyValue('tzid');
        // The first definition of a TZID wins, as in a single object.
        if (typeof tzid === 'string' && !timezones.has(tzid)) timezones.set(tzid, component.jCal);
        continue;
      }
      // Other components (VFREEBUSY, X- components) go through validation too, which says why they cannot be stored.
      const uid = objectTypes.has(component.name) || component.hasProperty('uid') ? uidOf(component) : derivedUid(component);
      const group = groups.get(uid);
      if (group) group.components.push(component.jCal);
      else groups.set(uid, { head, components: [component.jCal] });
    }
  }

  function objectText(group: Group): string {
    const calendar = new ICAL.Component(['vcalendar', [...group.head], []]);
    const components = group.components.map((jCal) => new ICAL.Component(jCal as unknown[]));
    const needed = new Set(components.flatMap((component) => [...usedTzids(component)]));
    for (const tzid of needed) {
      const zone = timezones.get(tzid);
      if (zone) calendar.jCal[2].push(zone);
    }
    for (const component of components) calendar.jCal[2].push(component.jCal);
    return serializeComponent(calendar);
  }

  function* items(): Generator<ImportItem> {
    for (const [uid, group] of groups) {
      // Dropped once read: the memory held shrinks as the import advances.
      groups.delete(uid);
      yield { uid, text: objectText(group) };
    }
  }

  return { total: groups.size, items: items() };
}
