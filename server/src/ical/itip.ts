/**
 * iTIP (RFC 5546) as CalDAV scheduling (RFC 6638) uses it: who organizes and attends a stored object, the messages
 * an organizer's or an attendee's change sends, and how a delivered message changes the recipient's copy. Text in,
 * text out: every function reads stored (already validated) iCalendar and returns new iCalendar text.
 */
import ICAL from 'ical.js';

import { parameterText } from './participants';
import { serializeComponent } from './serialize';

export type ItipMethod = 'REQUEST' | 'CANCEL' | 'REPLY';

export interface Participant {
  /** The calendar user address as written (`mailto:ada@example.org`). */
  address: string;
  /** The address compared: scheme and email lower-cased, whitespace removed. */
  key: string;
  name: string | null;
  /** PARTSTAT in the master component (or the first component naming them); NEEDS-ACTION when absent. */
  partstat: string;
  /** SCHEDULE-AGENT: SERVER (the default) means this server delivers; CLIENT or NONE mean it does not. */
  scheduleAgent: string;
}

export interface SchedulingObject {
  uid: string;
  organizer: Participant | null;
  /** Every attendee of every component, once each. */
  attendees: Participant[];
  /** Whether the master component (or every component) is STATUS:CANCELLED. */
  cancelled: boolean;
  sequence: number;
  summary: string | null;
}

/** A calendar user address as compared: `MAILTO:Ada@Example.org ` and `mailto:ada@example.org` are one user. */
export function addressKey(address: string): string {
  const trimmed = address.trim();
  return /^mailto:/i.test(trimmed) ? `mailto:${trimmed.slice(7).trim().toLowerCase()}` : trimmed.toLowerCase();
}

/** The email of a `mailto:` address, or null for other schemes. */
export function emailOf(address: string): string | null {
  const key = addressKey(address);
  return key.startsWith('mailto:') && key.length > 7 ? key.slice(7) : null;
}

/** Parameters that steer this server's scheduling and are never sent in a message (RFC 6638 7.1-7.3). */
const SCHEDULING_PARAMETERS = ['schedule-agent', 'schedule-status', 'schedule-force-send'];

const rootOf = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown as unknown[]);
const schedulableComponents = (root: ICAL.Component) =>
  root.getAllSubcomponents().filter((component) => component.name === 'vevent' || component.name === 'vtodo');
const recurrenceKeyOf = (component: ICAL.Component): string => {
  const property = component.getFirstProperty('recurrence-id');
  if (!property) return '';
  const value = property.getFirstValue() as unknown;
  return value instanceof ICAL.Time ? value.toUnixTime().toString() : String(value);
};
const masterFirst = (components: ICAL.Component[]) =>
  [...components].sort((a, b) => Number(a.hasProperty('recurrence-id')) - Number(b.hasProperty('recurrence-id')));
const addressOf = (property: ICAL.Property): string => String(property.getFirstValue() ?? '');

function participantOf(property: ICAL.Property): Participant {
  const address = addressOf(property);
  return {
    address,
    key: addressKey(address),
    name: parameterText(property, 'cn'),
    partstat: (parameterText(property, 'partstat') ?? 'NEEDS-ACTION').toUpperCase(),
    scheduleAgent: (parameterText(property, 'schedule-agent') ?? 'SERVER').toUpperCase(),
  };
}

/** Who organizes and attends an object; null when it is not a meeting (no ORGANIZER, or nobody attends). */
export function schedulingObject(text: string): SchedulingObject | null {
  const components = masterFirst(schedulableComponents(rootOf(text)));
  const first = components[0];
  if (!first) return null;
  const organizerProperty = components.map((component) => component.getFirstProperty('organizer')).find(Boolean) ?? null;
  if (!organizerProperty) return null;
  const attendees = new Map<string, Participant>();
  for (const component of components) {
    for (const property of component.getAllProperties('attendee')) {
      const participant = participantOf(property);
      if (participant.key !== '' && !attendees.has(participant.key)) attendees.set(participant.key, participant);
    }
  }
  if (attendees.size === 0) return null;
  const isCancelled = (component: ICAL.Component) => String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';
  const master = components.find((component) => !component.hasProperty('recurrence-id'));
  return {
    uid: String(first.getFirstPropertyValue('uid') ?? ''),
    organizer: participantOf(organizerProperty),
    attendees: [...attendees.values()],
    cancelled: master ? isCancelled(master) : components.every(isCancelled),
    sequence: Number(first.getFirstPropertyValue('sequence') ?? 0) || 0,
    summary: first.getFirstPropertyValue('summary') === null ? null : String(first.getFirstPropertyValue('summary')),
  };
}

/** The PARTSTAT an attendee gives each component, keyed by recurrence ('' for the master). */
export function partstatsOf(text: string, attendeeKey: string): Map<string, string> {
  const answers = new Map<string, string>();
  for (const component of schedulableComponents(rootOf(text))) {
    const property = component.getAllProperties('attendee').find((candidate) => addressKey(addressOf(candidate)) === attendeeKey);
    if (property) answers.set(recurrenceKeyOf(component), participantOf(property).partstat);
  }
  return answers;
}

/**
 * What attendees are told about: the object without what changes on every save or belongs to one party (alarms,
 * DTSTAMP, LAST-MODIFIED, CREATED, SEQUENCE, the scheduling parameters, and every PARTSTAT, which the attendees
 * themselves change). When it is unchanged, an organizer's save sends nothing.
 */
export function schedulingSignature(text: string): string {
  const root = rootOf(text);
  for (const component of schedulableComponents(root)) {
    for (const alarm of [...component.getAllSubcomponents('valarm')]) component.removeSubcomponent(alarm);
    for (const name of ['dtstamp', 'last-modified', 'created', 'sequence']) component.removeAllProperties(name);
    for (const property of [...component.getAllProperties('attendee'), ...component.getAllProperties('organizer')]) {
      for (const parameter of [...SCHEDULING_PARAMETERS, 'partstat', 'rsvp']) property.removeParameter(parameter);
    }
  }
  return schedulableComponents(root)
    .map((component) => serializeComponent(component))
    .sort()
    .join('');
}

function stripForMessage(component: ICAL.Component): void {
  for (const alarm of [...component.getAllSubcomponents('valarm')]) component.removeSubcomponent(alarm);
  for (const property of [...component.getAllProperties('attendee'), ...component.getAllProperties('organizer')]) {
    for (const parameter of SCHEDULING_PARAMETERS) property.removeParameter(parameter);
  }
  for (const name of component.getAllProperties().map((property) => property.name)) {
    // Clients' private bookkeeping (X-MOZ-*, X-APPLE-*) stays with their own copy.
    if (name.startsWith('x-')) component.removeAllProperties(name);
  }
}

const utcNow = () => ICAL.Time.fromJSDate(new Date(), true);

function setMethod(root: ICAL.Component, method: ItipMethod): void {
  root.removeAllProperties('method');
  root.addPropertyWithValue('method', method);
}

function stamp(component: ICAL.Component): void {
  component.updatePropertyWithValue('dtstamp', utcNow());
}

/**
 * The message an organizer's object sends: REQUEST with the whole object, or CANCEL to `recipients` (address keys)
 * with every component marked cancelled and naming only them. Alarms, X- properties and scheduling parameters
 * stay in the organizer's copy.
 */
export function organizerMessage(text: string, method: 'REQUEST' | 'CANCEL', recipients?: ReadonlySet<string>): string {
  const root = rootOf(text);
  setMethod(root, method);
  for (const component of schedulableComponents(root)) {
    stripForMessage(component);
    stamp(component);
    if (method === 'CANCEL') {
      component.updatePropertyWithValue('status', 'CANCELLED');
      if (recipients) {
        for (const attendee of [...component.getAllProperties('attendee')]) {
          if (!recipients.has(addressKey(addressOf(attendee)))) component.removeProperty(attendee);
        }
      }
    }
  }
  return serializeComponent(root);
}

/**
 * An attendee's REPLY: each component of their copy that names them, with only their ATTENDEE line and what
 * identifies the component (RFC 5546 3.2.3). `partstat` overrides their answer (DECLINED when they delete the event).
 */
export function replyMessage(copyText: string, attendeeKey: string, partstat?: string): string {
  const root = rootOf(copyText);
  setMethod(root, 'REPLY');
  const keep = new Set(['uid', 'dtstamp', 'organizer', 'attendee', 'recurrence-id', 'sequence', 'dtstart', 'dtend', 'due', 'duration', 'summary', 'request-status']);
  for (const component of [...schedulableComponents(root)]) {
    const own = component.getAllProperties('attendee').find((property) => addressKey(addressOf(property)) === attendeeKey);
    if (!own) {
      root.removeSubcomponent(component);
      continue;
    }
    for (const child of [...component.getAllSubcomponents()]) component.removeSubcomponent(child);
    for (const property of [...component.getAllProperties()]) {
      if (!keep.has(property.name) || (property.name === 'attendee' && property !== own)) component.removeProperty(property);
    }
    if (partstat) own.setParameter('partstat', partstat);
    for (const parameter of [...SCHEDULING_PARAMETERS, 'rsvp']) own.removeParameter(parameter);
    const organizer = component.getFirstProperty('organizer');
    if (organizer) for (const parameter of SCHEDULING_PARAMETERS) organizer.removeParameter(parameter);
    stamp(component);
  }
  return serializeComponent(root);
}

const alarmsByRecurrence = (root: ICAL.Component) =>
  new Map(schedulableComponents(root).map((component) => [recurrenceKeyOf(component), component.getAllSubcomponents('valarm')]));

/**
 * An attendee's copy after a REQUEST: the organizer's object without METHOD, keeping the alarms the attendee set
 * on their existing copy.
 */
export function attendeeCopy(messageText: string, existingCopy: string | null): string {
  const root = rootOf(messageText);
  root.removeAllProperties('method');
  if (existingCopy) {
    const alarms = alarmsByRecurrence(rootOf(existingCopy));
    for (const component of schedulableComponents(root)) {
      for (const alarm of alarms.get(recurrenceKeyOf(component)) ?? []) component.addSubcomponent(alarm);
    }
  }
  return serializeComponent(root);
}

/** An attendee's copy after a CANCEL: kept, with every component STATUS:CANCELLED, so that they see it was called off. */
export function cancelledCopy(messageText: string, existingCopy: string | null): string {
  const root = rootOf(existingCopy ?? messageText);
  root.removeAllProperties('method');
  const sequence = Number(schedulableComponents(rootOf(messageText))[0]?.getFirstPropertyValue('sequence') ?? 0) || 0;
  for (const component of schedulableComponents(root)) {
    component.updatePropertyWithValue('status', 'CANCELLED');
    if (sequence > 0) component.updatePropertyWithValue('sequence', sequence);
  }
  return serializeComponent(root);
}

/**
 * The organizer's object after an attendee's REPLY: their PARTSTAT on each component the reply names (the master,
 * or an occurrence the organizer's object has), with SCHEDULE-STATUS 2.0. Null when nothing changes.
 */
export function applyReply(organizerText: string, replyText: string): string | null {
  const reply = rootOf(replyText);
  const answers = new Map<string, { key: string; partstat: string }>();
  for (const component of schedulableComponents(reply)) {
    const attendee = component.getFirstProperty('attendee');
    if (attendee) answers.set(recurrenceKeyOf(component), { key: addressKey(addressOf(attendee)), partstat: participantOf(attendee).partstat });
  }
  const root = rootOf(organizerText);
  let changed = false;
  for (const component of schedulableComponents(root)) {
    // An occurrence the reply does not name follows the master's answer unless it has its own.
    const answer = answers.get(recurrenceKeyOf(component)) ?? (component.hasProperty('recurrence-id') ? undefined : answers.get(''));
    if (!answer) continue;
    const property = component.getAllProperties('attendee').find((candidate) => addressKey(addressOf(candidate)) === answer.key);
    if (!property) continue;
    if (participantOf(property).partstat !== answer.partstat) {
      property.setParameter('partstat', answer.partstat);
      changed = true;
    }
    if (parameterText(property, 'schedule-status') !== '2.0') {
      property.setParameter('schedule-status', '2.0');
      changed = true;
    }
    property.removeParameter('rsvp');
  }
  return changed ? serializeComponent(root) : null;
}

/**
 * The object with SCHEDULE-STATUS set on the ATTENDEE (or ORGANIZER) lines whose address keys are given, as RFC 6638
 * 3.2.9 has the server report each delivery in the stored copy.
 */
export function withScheduleStatus(text: string, statuses: ReadonlyMap<string, string>, on: 'attendee' | 'organizer'): string {
  if (statuses.size === 0) return text;
  const root = rootOf(text);
  for (const component of schedulableComponents(root)) {
    for (const property of component.getAllProperties(on)) {
      const status = statuses.get(addressKey(addressOf(property)));
      if (status) property.setParameter('schedule-status', status);
    }
  }
  return serializeComponent(root);
}

export interface FreeBusyRequest {
  uid: string | null;
  organizer: string;
  /** The recipients' addresses, as written. */
  attendees: string[];
  start: Date;
  end: Date;
}

/**
 * Reads a free-busy request (a VCALENDAR with METHOD:REQUEST and one VFREEBUSY naming ORGANIZER, ATTENDEEs, DTSTART
 * and DTEND, RFC 6638 5.1); null when it is not one. The text must already have passed screenCalendarText.
 */
export function parseFreeBusyRequest(text: string): FreeBusyRequest | null {
  const root = rootOf(text);
  const freeBusy = root.getFirstSubcomponent('vfreebusy');
  if (String(root.getFirstPropertyValue('method') ?? '').toUpperCase() !== 'REQUEST' || !freeBusy) return null;
  const start = freeBusy.getFirstPropertyValue('dtstart') as unknown;
  const end = freeBusy.getFirstPropertyValue('dtend') as unknown;
  const organizer = freeBusy.getFirstProperty('organizer');
  if (!(start instanceof ICAL.Time) || !(end instanceof ICAL.Time) || !organizer) return null;
  const uid = freeBusy.getFirstPropertyValue('uid');
  return {
    uid: uid === null ? null : String(uid),
    organizer: addressOf(organizer),
    attendees: freeBusy.getAllProperties('attendee').map(addressOf).filter((address) => address.trim() !== ''),
    start: start.toJSDate(),
    end: end.toJSDate(),
  };
}

/** A free-busy answer (the VCALENDAR of freeBusyCalendar) as the REPLY to a request for one attendee. */
export function freeBusyReply(freeBusyText: string, request: FreeBusyRequest, attendee: string): string {
  const root = rootOf(freeBusyText);
  setMethod(root, 'REPLY');
  const freeBusy = root.getFirstSubcomponent('vfreebusy');
  if (freeBusy) {
    if (request.uid) freeBusy.updatePropertyWithValue('uid', request.uid);
    freeBusy.updatePropertyWithValue('organizer', request.organizer);
    freeBusy.updatePropertyWithValue('attendee', attendee);
  }
  return serializeComponent(root);
}
