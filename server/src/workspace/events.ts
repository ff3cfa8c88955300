import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type ICAL from 'ical.js';

import { parseCalendarText } from '../ical/document';
import { budgetedIterator, ExpansionBudget, EXPANSION_STEPS, instances, recurrenceSets } from '../ical/occurrences';
import { DAY_MS, dateString, instantOf, timeValue } from '../ical/times';
import { CALENDAR_UID, EVENT_UID } from '../uids';
import { AdminApiError, badRequest, refusal } from '../admin-api';
import { STALE_MESSAGE } from './errors';
import { fieldsOf, objectBody, recurrenceIdMs, ruleUntil, ruleWithCount, schedule, updateOf, type FieldsInput, type Scope } from './input';

type Data = Record<string, unknown>;

/** The editor's version of an event: its draft row. */
interface Current {
  documentId: string;
  calendar: string | null;
  summary: string | null;
  location: string | null;
  description: string | null;
  url: string | null;
  start: string | null;
  end: string | null;
  allDay: boolean;
  timezone: string | null;
  rrule: string | null;
  exdates: string[];
  categories: unknown;
  eventStatus: string | null;
  etag: string | null;
  icalendar: string | null;
  published: boolean;
}

export interface WriteResult {
  documentId: string;
  etag: string | null;
  status: 'published' | 'draft' | 'modified' | 'deleted';
  /** The event a split made: the single occurrence ("this"), or the new series ("following"). */
  created?: string;
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

export function createWorkspaceEvents(strapi: Core.Strapi) {
  const rows = () => strapi.db.query(EVENT_UID as never);
  const documents = () => strapi.documents(EVENT_UID as never);

  async function current(documentId: string): Promise<Current> {
    const row = (await rows().findOne({
      where: { documentId, publishedAt: { $null: true } },
      populate: { calendar: { select: ['documentId'] } },
    })) as (Data & { calendar?: { documentId: string } | null }) | null;
    if (!row || row.componentType !== 'VEVENT') throw new AdminApiError(404, `No event with documentId "${documentId}".`);
    const published = await rows().count({ where: { documentId, publishedAt: { $notNull: true } } });
    return {
      documentId,
      calendar: row.calendar?.documentId ?? null,
      summary: (row.summary as string | null) ?? null,
      location: (row.location as string | null) ?? null,
      description: (row.description as string | null) ?? null,
      url: (row.url as string | null) ?? null,
      start: iso(row.start),
      end: iso(row.end),
      allDay: row.allDay === true,
      timezone: (row.timezone as string | null) ?? null,
      rrule: (row.rrule as string | null) ?? null,
      exdates: Array.isArray(row.exdates) ? (row.exdates as unknown[]).filter((value): value is string => typeof value === 'string') : [],
      categories: row.categories ?? null,
      eventStatus: (row.eventStatus as string | null) ?? null,
      etag: (row.etag as string | null) ?? null,
      icalendar: (row.icalendar as string | null) ?? null,
      published: published > 0,
    };
  }

  async function checkCalendar(documentId: string): Promise<void> {
    const found = await strapi.db.query(CALENDAR_UID as never).count({ where: { documentId } });
    if (found === 0) throw badRequest(`No calendar with documentId "${documentId}".`);
  }

  async function result(documentId: string, created?: string): Promise<WriteResult> {
    const event = await current(documentId);
    const published = (await rows().findOne({ select: ['etag'], where: { documentId, publishedAt: { $notNull: true } } })) as { etag: string | null } | null;
    const status = !published ? 'draft' : published.etag === event.etag ? 'published' : 'modified';
    return { documentId, etag: event.etag, status, ...(created ? { created } : {}) };
  }

  /** Runs the writes in one transaction, so that a split series is never left half done; refusals become messages. */
  async function inTransaction<T>(write: () => Promise<T>): Promise<T> {
    try {
      return (await strapi.db.transaction(write)) as T;
    } catch (error) {
      throw refusal(error, STALE_MESSAGE) ?? error;
    }
  }

  const status = (publish: boolean) => (publish ? { status: 'published' } : {});

  async function update(documentId: string, data: Data, publish: boolean): Promise<void> {
    await documents().update({ documentId, data: data as never, ...status(publish) } as never);
  }

  async function create(data: Data, publish: boolean): Promise<string> {
    const created = (await documents().create({ data: data as never, ...status(publish) } as never)) as { documentId: string };
    return created.documentId;
  }

  /** The occurrence a RECURRENCE-ID names in the stored text, or a 400 saying that there is none. */
  function occurrence(event: Current, recurrenceId: string): { startMs: number; endMs: number; override: boolean; master: ICAL.Component } {
    const wanted = recurrenceIdMs(recurrenceId);
    const set = event.icalendar ? recurrenceSets(parseCalendarText(event.icalendar).root).find((candidate) => candidate.type === 'vevent') : undefined;
    if (!set?.master || !(event.rrule || set.master.hasProperty('rdate'))) throw badRequest('This event does not repeat: edit it without "scope" and "recurrenceId".');
    const budget = new ExpansionBudget(EXPANSION_STEPS);
    for (const instance of instances(set, budget, { fromMs: wanted - 2 * DAY_MS, untilMs: wanted + 2 * DAY_MS })) {
      if (!instance.recurrenceId || !instance.start) continue;
      const id = instance.recurrenceId;
      const ms = id.isDate ? Date.parse(`${dateString(id)}T00:00:00Z`) : instantOf(id);
      if (ms !== wanted) continue;
      const startMs = instantOf(instance.start);
      const end = instance.end();
      return { startMs, endMs: end ? instantOf(end) : startMs + (instance.start.isDate ? DAY_MS : 0), override: instance.component !== set.master, master: set.master };
    }
    throw badRequest(`The event has no occurrence at ${recurrenceId}; reload to see its current occurrences.`);
  }

  /** How many dates the rule made before an instant (COUNT counts them, excluded or not). */
  function datesBefore(master: ICAL.Component, beforeMs: number): number {
    const rule = master.getFirstPropertyValue('rrule');
    const dtstart = timeValue(master, 'dtstart');
    if (!rule || !dtstart || typeof rule !== 'object') return 0;
    const iterator = budgetedIterator(rule as ICAL.Recur, dtstart, new ExpansionBudget(EXPANSION_STEPS));
    let count = 0;
    for (let next = iterator.next(); next && instantOf(next) < beforeMs; next = iterator.next()) count += 1;
    return count;
  }

  /** The event's own fields, with the editor's changes, as the data of a new event split off it. */
  function splitData(event: Current, fields: FieldsInput, startMs: number, endMs: number): Data {
    const allDay = fields.allDay ?? event.allDay;
    const times = schedule(
      { start: fields.start ?? new Date(startMs).toISOString(), end: fields.end ?? new Date(endMs).toISOString() },
      allDay,
      { start: null, end: null },
    );
    return {
      calendar: fields.calendar ?? event.calendar,
      summary: fields.summary !== undefined ? fields.summary : event.summary,
      location: fields.location !== undefined ? fields.location : event.location,
      description: fields.description !== undefined ? fields.description : event.description,
      timezone: fields.timezone !== undefined ? fields.timezone : event.timezone,
      url: event.url,
      categories: event.categories,
      eventStatus: event.eventStatus,
      allDay,
      ...times,
    };
  }

  const exdateMs = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value));

  /** Moves exception dates with their series: a date by whole days, an instant exactly. */
  function shiftExdates(exdates: string[], deltaMs: number): string[] {
    if (deltaMs === 0) return exdates;
    return exdates.map((value) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? new Date(Date.parse(`${value}T00:00:00Z`) + Math.round(deltaMs / DAY_MS) * DAY_MS).toISOString().slice(0, 10)
        : new Date(Date.parse(value) + deltaMs).toISOString(),
    );
  }

  /** The whole event, or a series as a whole; moving its start moves its exception dates along. */
  async function updateAll(event: Current, fields: FieldsInput, etag: string, publish: boolean): Promise<void> {
    const allDay = fields.allDay ?? event.allDay;
    const times = schedule(fields, allDay, event);
    const data: Data = { ...fields, ...times, etag };
    if (fields.calendar !== undefined) await checkCalendar(fields.calendar);
    if (times.start && event.start && event.exdates.length > 0) {
      data.exdates = shiftExdates(event.exdates, Date.parse(times.start) - Date.parse(event.start));
    }
    await update(event.documentId, data, publish);
  }

  return {
    async create(body: unknown): Promise<WriteResult> {
      const { publish, ...rest } = objectBody(body);
      if (publish !== undefined && typeof publish !== 'boolean') throw badRequest('"publish" must be true or false.');
      const fields = fieldsOf(rest);
      if (!fields.calendar) throw badRequest('"calendar" is required: the documentId of the calendar to add the event to.');
      if (!fields.start) throw badRequest('"start" is required: a date (2026-03-02) or date-time (2026-03-02T09:00:00Z).');
      await checkCalendar(fields.calendar);
      const allDay = fields.allDay ?? false;
      const startMs = Date.parse(schedule({ start: fields.start }, allDay, { start: null, end: null }).start as string);
      const times = schedule({ start: fields.start, end: fields.end ?? new Date(startMs + (allDay ? DAY_MS : 3_600_000)).toISOString() }, allDay, { start: null, end: null });
      const documentId = await inTransaction(() => create({ ...fields, allDay, ...times }, publish !== false));
      return result(documentId);
    },

    async update(documentId: string, body: unknown): Promise<WriteResult> {
      const input = updateOf(objectBody(body));
      const event = await current(documentId);
      if (event.etag !== input.etag) throw new AdminApiError(409, STALE_MESSAGE);
      const scope: Scope = event.rrule || input.scope === 'all' ? input.scope : 'all';
      if (scope === 'all') {
        await inTransaction(() => updateAll(event, input.fields, input.etag, input.publish));
        return result(documentId);
      }
      const recurrenceId = input.recurrenceId as string;
      const found = occurrence(event, recurrenceId);
      if (input.fields.calendar !== undefined) await checkCalendar(input.fields.calendar);

      if (scope === 'this') {
        if (found.override) {
          throw badRequest('This occurrence was changed in a calendar app and has details of its own; change it there, or edit all events.');
        }
        const single = splitData(event, input.fields, found.startMs, found.endMs);
        const created = await inTransaction(async () => {
          await update(documentId, { exdates: [...event.exdates, recurrenceId], etag: input.etag }, input.publish);
          return create(single, input.publish);
        });
        return result(documentId, created);
      }

      // "this and following": the series ends before the occurrence, a new series starts at it.
      const splitMs = recurrenceIdMs(recurrenceId);
      if (!event.start || splitMs <= Date.parse(event.start)) {
        await inTransaction(() => updateAll(event, input.fields, input.etag, input.publish));
        return result(documentId);
      }
      const rule = event.rrule as string;
      const count = /(?:^|;)COUNT=(\d+)/i.exec(rule);
      const data = splitData(event, input.fields, found.startMs, found.endMs);
      const deltaMs = Date.parse(data.start as string) - found.startMs;
      const laterExdates = event.exdates.filter((value) => exdateMs(value) >= splitMs);
      const newRule =
        input.fields.rrule !== undefined ? input.fields.rrule : count ? ruleWithCount(rule, Number(count[1]) - datesBefore(found.master, splitMs)) : rule;
      const created = await inTransaction(async () => {
        await update(
          documentId,
          { rrule: ruleUntil(rule, splitMs, event.allDay), exdates: event.exdates.filter((value) => exdateMs(value) < splitMs), etag: input.etag },
          input.publish,
        );
        return create({ ...data, rrule: newRule, exdates: newRule ? shiftExdates(laterExdates, deltaMs) : [] }, input.publish);
      });
      return result(documentId, created);
    },

    async remove(documentId: string, query: Record<string, unknown>): Promise<WriteResult> {
      const event = await current(documentId);
      const { etag, scope = 'all', recurrenceId } = query;
      if (etag !== undefined && etag !== event.etag) throw new AdminApiError(409, STALE_MESSAGE);
      if (scope !== 'all' && scope !== 'this' && scope !== 'following') throw badRequest('"scope" must be "all", "this" or "following".');
      const splitMs = typeof recurrenceId === 'string' && recurrenceId !== '' ? recurrenceIdMs(recurrenceId) : null;
      if (scope !== 'all' && splitMs === null) throw badRequest(`"recurrenceId" is required with scope "${String(scope)}": it names the occurrence.`);
      const whole = scope === 'all' || !event.rrule || (scope === 'following' && event.start !== null && (splitMs as number) <= Date.parse(event.start));
      if (whole) {
        await inTransaction(() => documents().delete({ documentId } as never));
        return { documentId, etag: null, status: 'deleted' };
      }
      const found = occurrence(event, recurrenceId as string);
      // Leaving out one occurrence or the rest changes the series; clients see it when the series was published.
      if (scope === 'this') {
        if (found.override) throw badRequest('This occurrence was changed in a calendar app and has details of its own; delete it there, or delete all events.');
        await inTransaction(() => update(documentId, { exdates: [...event.exdates, recurrenceId], etag: event.etag }, event.published));
      } else {
        const data = { rrule: ruleUntil(event.rrule as string, splitMs as number, event.allDay), exdates: event.exdates.filter((value) => exdateMs(value) < (splitMs as number)), etag: event.etag };
        await inTransaction(() => update(documentId, data, event.published));
      }
      return result(documentId);
    },

    async publish(documentId: string): Promise<WriteResult> {
      await current(documentId);
      await inTransaction(() => documents().publish({ documentId } as never));
      return result(documentId);
    },

    async unpublish(documentId: string): Promise<WriteResult> {
      await current(documentId);
      await inTransaction(() => documents().unpublish({ documentId } as never));
      return result(documentId);
    },
  };
}

export type WorkspaceEvents = ReturnType<typeof createWorkspaceEvents>;
