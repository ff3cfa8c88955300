import ICAL from 'ical.js';

import { DAY_MS } from '../ical/times';
import { badRequest } from '../admin-api';

/** The event fields an editor sets in the workspace, as the document service takes them. */
export interface FieldsInput {
  calendar?: string;
  summary?: string | null;
  location?: string | null;
  description?: string | null;
  start?: string;
  end?: string;
  allDay?: boolean;
  timezone?: string | null;
  rrule?: string | null;
}

export type Scope = 'all' | 'this' | 'following';

export interface UpdateInput {
  fields: FieldsInput;
  etag: string;
  scope: Scope;
  recurrenceId: string | null;
  publish: boolean;
}

type Body = Record<string, unknown>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function objectBody(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('Send a JSON object with the event, e.g. {"calendar": "<documentId>", "summary": "Meeting", "start": "2026-03-02T09:00:00Z", "end": "2026-03-02T10:00:00Z"}.');
  }
  return body as Body;
}

function optionalText(body: Body, name: string, limit: number): string | null | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string') throw badRequest(`"${name}" must be text.`);
  if (value.length > limit) throw badRequest(`"${name}" is too long: at most ${limit} characters.`);
  return value.trim() === '' ? null : value;
}

/** An ISO instant for a date-time, or 00:00Z of a date (how the plugin stores all-day dates). */
export function instantText(value: string, allDay: boolean, name: string): string {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw badRequest(`"${name}" is not a date (2026-03-02) or date-time (2026-03-02T09:00:00Z): "${value}".`);
  }
  return new Date(allDay ? Math.floor(ms / DAY_MS) * DAY_MS : ms).toISOString();
}

/** A recurrence rule as RRULE's value (FREQ=WEEKLY;BYDAY=MO), checked so that a typo gets a plain answer. */
export function ruleText(value: unknown): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw badRequest('"rrule" must be text like "FREQ=WEEKLY;BYDAY=MO,WE", or null.');
  const rule = value.trim().replace(/^RRULE:/i, '');
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(rule);
  } catch (error) {
    throw badRequest(`"${rule}" is not a recurrence rule: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (!recur.freq) throw badRequest(`"${rule}" is not a recurrence rule: it has no FREQ.`);
  if (/(?:^|;)COUNT=/i.test(rule) && /(?:^|;)UNTIL=/i.test(rule)) throw badRequest('A recurrence rule has either COUNT or UNTIL, not both.');
  return rule;
}

/** The fields of a create or update body; unknown fields are refused so that a typo is not silently ignored. */
export function fieldsOf(body: Body, allowed: string[] = []): FieldsInput {
  const known = ['calendar', 'summary', 'location', 'description', 'start', 'end', 'allDay', 'timezone', 'rrule', ...allowed];
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw badRequest(`Unknown field ${unknown.map((key) => `"${key}"`).join(', ')}; the fields are ${known.join(', ')}.`);

  const fields: FieldsInput = {};
  if (body.calendar !== undefined) {
    if (typeof body.calendar !== 'string' || body.calendar === '') throw badRequest('"calendar" must be the documentId of a calendar.');
    fields.calendar = body.calendar;
  }
  const summary = optionalText(body, 'summary', 1000);
  if (summary !== undefined) fields.summary = summary;
  const location = optionalText(body, 'location', 1000);
  if (location !== undefined) fields.location = location;
  const description = optionalText(body, 'description', 100_000);
  if (description !== undefined) fields.description = description;
  const timezone = optionalText(body, 'timezone', 64);
  if (timezone !== undefined) fields.timezone = timezone;
  if (body.allDay !== undefined) {
    if (typeof body.allDay !== 'boolean') throw badRequest('"allDay" must be true or false.');
    fields.allDay = body.allDay;
  }
  for (const name of ['start', 'end'] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw badRequest(`"${name}" must be a date (2026-03-02) or date-time (2026-03-02T09:00:00Z).`);
    fields[name] = value;
  }
  if (body.rrule !== undefined) fields.rrule = ruleText(body.rrule);
  return fields;
}

/**
 * Normalizes start and end for the event's final all-day setting: instants, an all-day end on or before its start
 * becomes the next day (an all-day event lasts at least a day), a timed end before its start is refused.
 */
export function schedule(fields: FieldsInput, allDay: boolean, current: { start: string | null; end: string | null }): { start?: string; end?: string } {
  const start = fields.start !== undefined ? instantText(fields.start, allDay, 'start') : undefined;
  let end = fields.end !== undefined ? instantText(fields.end, allDay, 'end') : undefined;
  const effectiveStart = start ?? current.start;
  const effectiveEnd = end ?? current.end;
  if (effectiveStart && effectiveEnd) {
    const startMs = Date.parse(effectiveStart);
    if (allDay && Date.parse(effectiveEnd) <= startMs) end = new Date(startMs + DAY_MS).toISOString();
    else if (!allDay && Date.parse(effectiveEnd) < startMs) throw badRequest('"end" must not be before "start".');
  }
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

export function updateOf(body: Body): UpdateInput {
  const { etag, scope, recurrenceId, publish, ...rest } = body;
  if (typeof etag !== 'string' || etag === '') {
    throw badRequest('"etag" is required: send the etag of the version you edited, so that a change made meanwhile in a calendar app is not overwritten.');
  }
  const scopeValue = scope === undefined ? 'all' : scope;
  if (scopeValue !== 'all' && scopeValue !== 'this' && scopeValue !== 'following') throw badRequest('"scope" must be "all", "this" or "following".');
  if (recurrenceId !== undefined && recurrenceId !== null && typeof recurrenceId !== 'string') throw badRequest('"recurrenceId" must be the occurrence\'s RECURRENCE-ID.');
  if (scopeValue !== 'all' && !recurrenceId) throw badRequest(`"recurrenceId" is required with scope "${scopeValue}": it names the occurrence.`);
  if (publish !== undefined && typeof publish !== 'boolean') throw badRequest('"publish" must be true or false.');
  return {
    fields: fieldsOf(rest),
    etag,
    scope: scopeValue,
    recurrenceId: typeof recurrenceId === 'string' && recurrenceId !== '' ? recurrenceId : null,
    publish: publish !== false,
  };
}

/** Milliseconds of a RECURRENCE-ID as the workspace gives them out: a date (00:00Z) or an ISO instant. */
export function recurrenceIdMs(value: string): number {
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`"recurrenceId" is not a date or date-time: "${value}".`);
  return ms;
}

/** The rule ending before `beforeMs`: COUNT and UNTIL replaced by an UNTIL just before it (RFC 5545: UTC, or a date). */
export function ruleUntil(rule: string, beforeMs: number, allDay: boolean): string {
  const parts = rule.split(';').filter((part) => !/^(COUNT|UNTIL)=/i.test(part));
  const until = allDay
    ? new Date(beforeMs - DAY_MS).toISOString().slice(0, 10).replace(/-/g, '')
    : `${new Date(beforeMs - 1000).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  return [...parts, `UNTIL=${until}`].join(';');
}

export function ruleWithCount(rule: string, count: number): string {
  return [...rule.split(';').filter((part) => !/^(COUNT|UNTIL)=/i.test(part)), `COUNT=${count}`].join(';');
}
