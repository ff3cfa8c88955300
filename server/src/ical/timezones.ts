/**
 * VTIMEZONE definitions for IANA names, from timezones-ical-library, and the mapping of an object's TZIDs to IANA
 * names. Nothing here registers zones globally: definitions are added to the parsed object that needs them, so
 * one object's zones never leak into another's results.
 */
import ICAL from 'ical.js';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

import { serializeComponent } from './serialize';

let ianaNames: Set<string> | null = null;

function knownIanaNames(): Set<string> {
  if (!ianaNames) {
    const names = tzlib_get_timezones(false);
    ianaNames = new Set(Array.isArray(names) ? names : []);
  }
  return ianaNames;
}

/** Names that mean UTC itself: an event in one of these has no time zone worth remembering. */
const utcNames = new Set([
  'UTC',
  'Etc/UTC',
  'GMT',
  'Etc/GMT',
  'Z',
  'Zulu',
  'Etc/Zulu',
  'UCT',
  'Etc/UCT',
  'Universal',
  'Etc/Universal',
  'Greenwich',
  'Etc/Greenwich',
  'GMT0',
  'Etc/GMT0',
  'GMT+0',
  'Etc/GMT+0',
  'GMT-0',
  'Etc/GMT-0',
]);

export function isUtcName(name: string): boolean {
  return utcNames.has(name);
}

/** True for names the time zone library has a VTIMEZONE for (IANA names, including aliases like "US/Eastern"). */
export function isIanaTimeZone(name: string): boolean {
  return knownIanaNames().has(name);
}

const vtimezoneCache = new Map<string, string | null>();

/** A VTIMEZONE block (CRLF after every line) whose TZID is `tzid`, or null for names not in the IANA database. */
export function vtimezoneFor(tzid: string): string | null {
  const cached = vtimezoneCache.get(tzid);
  if (cached !== undefined) return cached;
  let block: string | null = null;
  if (isIanaTimeZone(tzid)) {
    const answer = tzlib_get_ical_block(tzid, false);
    if (Array.isArray(answer) && typeof answer[0] === 'string' && answer[0].startsWith('BEGIN:VTIMEZONE')) {
      const component = new ICAL.Component(ICAL.parse(answer[0]) as unknown[]);
      // The library answers an alias with its canonical zone; the TZID must be the name the properties use.
      component.updatePropertyWithValue('tzid', tzid);
      block = serializeComponent(component);
    }
    // Only IANA names are remembered: any other TZID a client makes up would grow the cache without end.
    vtimezoneCache.set(tzid, block);
  }
  return block;
}

/** A fresh VTIMEZONE component for an IANA name (fresh because components belong to one tree), or null. */
export function vtimezoneComponent(tzid: string): ICAL.Component | null {
  const block = vtimezoneFor(tzid);
  return block === null ? null : new ICAL.Component(ICAL.parse(block) as unknown[]);
}

/**
 * The IANA name a TZID stands for: itself when it is one; the tail of an old Mozilla/Citadel style
 * "/mozilla.org/20050126_1/Europe/Berlin"; or the X-LIC-LOCATION of the object's VTIMEZONE. Null for UTC and for
 * names with no clear IANA equivalent (e.g. Outlook's "W. Europe Standard Time").
 */
export function ianaNameForTzid(tzid: string, root: ICAL.Component | null): string | null {
  if (isUtcName(tzid)) return null;
  if (isIanaTimeZone(tzid)) return tzid;
  if (tzid.startsWith('/')) {
    const segments = tzid.split('/').filter((segment) => segment !== '');
    // IANA names have at most three segments (America/Argentina/Buenos_Aires): only the tail can be one, and trying
    // every tail of a TZID made of a hundred thousand segments would take quadratic time.
    for (let first = Math.max(1, segments.length - 3); first < segments.length; first++) {
      const candidate = segments.slice(first).join('/');
      if (isIanaTimeZone(candidate)) return isUtcName(candidate) ? null : candidate;
    }
  }
  const definition = root?.getAllSubcomponents('vtimezone').find((zone) => zone.getFirstPropertyValue('tzid') === tzid);
  const location = definition?.getFirstPropertyValue('x-lic-location');
  if (typeof location === 'string' && isIanaTimeZone(location) && !isUtcName(location)) return location;
  return null;
}
