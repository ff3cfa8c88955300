import * as React from 'react';
import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  Dialog,
  Field,
  Flex,
  Grid,
  Modal,
  SingleSelect,
  SingleSelectOption,
  Textarea,
  TextInput,
  Typography,
} from '@strapi/design-system';

import { addDays, browserTimeZone, localDateTime, timesOf, type Times } from '../pages/time';
import { TimeZoneCombobox } from './TimeZoneCombobox';
import type { Translate } from '../pages/translate';
import {
  errorMessage,
  isConflict,
  type Attendee,
  type Calendar,
  type EventFields,
  type Occurrence,
  type Organizer,
  type Scope,
  type WorkspaceApi,
} from '../pages/workspace-api';
import { RecurrenceEditor } from './RecurrenceEditor';
import { ScopeDialog } from './ScopeDialog';

export type PanelTarget = { kind: 'new'; times: Times; calendar: string } | { kind: 'edit'; occurrence: Occurrence };

export interface Permissions {
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}

interface EventPanelProps {
  target: PanelTarget;
  calendars: Calendar[];
  api: WorkspaceApi;
  allowed: Permissions;
  /** The write went through: close and reload, telling the editor. */
  onDone: (message: string) => void;
  /** A calendar app changed the event meanwhile: close, reload and say so. */
  onConflict: (message: string) => void;
  onClose: () => void;
  t: Translate;
}

interface Form {
  calendar: string;
  summary: string;
  location: string;
  description: string;
  allDay: boolean;
  /** datetime-local values, or dates (the last day, inclusive) when all-day. */
  start: string;
  end: string;
  timezone: string;
  rrule: string | null;
}

function formOf(target: PanelTarget, calendars: Calendar[]): Form {
  const occurrence = target.kind === 'edit' ? target.occurrence : null;
  const times = target.kind === 'edit' ? timesOf(target.occurrence) : target.times;
  const calendar = occurrence?.calendar ?? (target.kind === 'new' ? target.calendar : '');
  const calendarZone = calendars.find((item) => item.documentId === calendar)?.timezone;
  return {
    calendar,
    summary: occurrence?.summary ?? '',
    location: occurrence?.location ?? '',
    description: occurrence?.description ?? '',
    allDay: times.allDay,
    start: times.allDay ? times.start : localDateTime(new Date(times.start)),
    end: times.allDay ? addDays(times.end, -1) : localDateTime(new Date(times.end)),
    timezone: occurrence?.timezone ?? calendarZone ?? browserTimeZone(),
    rrule: occurrence?.series.rrule ?? null,
  };
}

/** The times the form holds, as the API takes them; null when the end is before the start. */
function timesOfForm(form: Form): Times | null {
  if (form.allDay) {
    if (!form.start || !form.end || form.end < form.start) return null;
    return { allDay: true, start: form.start, end: addDays(form.end, 1) };
  }
  const start = new Date(form.start);
  const end = new Date(form.end);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start) return null;
  return { allDay: false, start: start.toISOString(), end: end.toISOString() };
}

/**
 * The series' own times when a change to one occurrence is applied to all of them: the series moves by as much as
 * the occurrence moved, and takes the occurrence's new length.
 */
export function seriesTimes(occurrence: Occurrence, times: Times): Times {
  const { start, end } = occurrence.series;
  if (!start || !end) return times;
  const before = timesOf(occurrence);
  if (times.allDay) {
    const shift = Math.round((Date.parse(`${times.start}T00:00:00Z`) - Date.parse(`${before.start.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
    const length = Math.round((Date.parse(`${times.end}T00:00:00Z`) - Date.parse(`${times.start}T00:00:00Z`)) / 86_400_000);
    const first = addDays(start.slice(0, 10), shift);
    return { allDay: true, start: first, end: addDays(first, Math.max(1, length)) };
  }
  const shift = Date.parse(times.start) - Date.parse(before.start);
  const first = Date.parse(start) + shift;
  return { allDay: false, start: new Date(first).toISOString(), end: new Date(first + Date.parse(times.end) - Date.parse(times.start)).toISOString() };
}

const statusBadge = (status: Occurrence['status'], t: Translate) =>
  status === 'published' ? (
    <Badge active>{t('workspace.status.published', 'Published')}</Badge>
  ) : status === 'draft' ? (
    <Badge>{t('workspace.status.draft', 'Draft')}</Badge>
  ) : (
    <Badge>{t('workspace.status.modified', 'Modified since published')}</Badge>
  );

/** An attendee's answer (PARTSTAT); a value no calendar standard defines is shown as written. */
function answerBadge(partstat: string, t: Translate) {
  switch (partstat) {
    case 'ACCEPTED':
      return <Badge variant="success">{t('workspace.attendees.accepted', 'Accepted')}</Badge>;
    case 'DECLINED':
      return <Badge variant="danger">{t('workspace.attendees.declined', 'Declined')}</Badge>;
    case 'TENTATIVE':
      return <Badge variant="warning">{t('workspace.attendees.tentative', 'Tentative')}</Badge>;
    case 'DELEGATED':
      return <Badge variant="secondary">{t('workspace.attendees.delegated', 'Delegated')}</Badge>;
    case 'NEEDS-ACTION':
      return <Badge>{t('workspace.attendees.needsAction', 'Awaiting answer')}</Badge>;
    default:
      return <Badge>{partstat}</Badge>;
  }
}

/** The SCHEDULE-STATUS codes saying the invitation did not reach the attendee (RFC 6638: 3.x refused, 5.x failed). */
function undeliveredCodes(scheduleStatus: string | null): string[] {
  return (scheduleStatus ?? '')
    .split(',')
    .map((code) => code.trim())
    .filter((code) => /^[35]\./.test(code));
}

const addressKey = (person: Organizer) => (person.email ?? person.address).toLowerCase();

interface ParticipantRowProps {
  person: Organizer;
  /** The person's attendance, when they are on the attendee list (an organizer usually is, as CHAIR). */
  attendance: Attendee | null;
  organizer: boolean;
  t: Translate;
}

function ParticipantRow({ person, attendance, organizer, t }: ParticipantRowProps) {
  const undelivered = undeliveredCodes(attendance?.scheduleStatus ?? null);
  return (
    <Flex tag="li" gap={3} justifyContent="space-between" alignItems="flex-start">
      <Box>
        <Flex gap={2}>
          <Typography fontWeight="semiBold">{person.name ?? person.email ?? person.address}</Typography>
          {organizer && (
            <Typography variant="pi" textColor="neutral600">
              {t('workspace.attendees.organizer', 'Organizer')}
            </Typography>
          )}
          {attendance?.role === 'OPT-PARTICIPANT' && (
            <Typography variant="pi" textColor="neutral600">
              {t('workspace.attendees.optional', 'optional')}
            </Typography>
          )}
        </Flex>
        {person.name && (
          <Typography variant="pi" textColor="neutral600" tag="div">
            {person.email ?? person.address}
          </Typography>
        )}
        {undelivered.length > 0 && (
          <Typography variant="pi" textColor="danger600" tag="div">
            {t('workspace.attendees.notDelivered', 'Not delivered ({codes})', { codes: undelivered.join(', ') })}
          </Typography>
        )}
      </Box>
      {attendance && answerBadge(attendance.partstat, t)}
    </Flex>
  );
}

/** Who the meeting is with, as calendar apps wrote it: the organizer first, then the attendees with their answers. */
function AttendeeList({ organizer, attendees, t }: { organizer: Organizer | null; attendees: Attendee[]; t: Translate }) {
  const organizerKey = organizer ? addressKey(organizer) : null;
  const organizerAttendance = organizerKey === null ? null : (attendees.find((attendee) => addressKey(attendee) === organizerKey) ?? null);
  const others = attendees.filter((attendee) => attendee !== organizerAttendance);
  const label = t('workspace.attendees.title', 'Attendees');
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Typography variant="sigma" textColor="neutral600" tag="h3">
        {label}
      </Typography>
      <Flex direction="column" alignItems="stretch" gap={2} tag="ul" aria-label={label}>
        {organizer && <ParticipantRow person={organizer} attendance={organizerAttendance} organizer t={t} />}
        {others.map((attendee, index) => (
          <ParticipantRow key={`${attendee.address}:${index}`} person={attendee} attendance={attendee} organizer={false} t={t} />
        ))}
      </Flex>
    </Flex>
  );
}

export function EventPanel({ target, calendars, api, allowed, onDone, onConflict, onClose, t }: EventPanelProps) {
  const [form, setForm] = React.useState<Form>(() => formOf(target, calendars));
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [asking, setAsking] = React.useState<{ action: 'save' | 'delete'; publish: boolean } | null>(null);
  const [confirmDelete, setConfirmDelete] = React.useState(false);
  // The combobox shows the text typed so far; the chosen zone is the form's.

  const occurrence = target.kind === 'edit' ? target.occurrence : null;
  const editable = occurrence ? allowed.canUpdate : allowed.canCreate;
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));

  async function run(write: () => Promise<unknown>, done: string): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await write();
      onDone(done);
    } catch (failure) {
      if (isConflict(failure)) onConflict(errorMessage(failure));
      else setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  function fields(times: Times, withRule: boolean): EventFields {
    return {
      calendar: form.calendar,
      summary: form.summary,
      location: form.location,
      description: form.description,
      timezone: form.allDay ? null : form.timezone || null,
      ...times,
      ...(withRule ? { rrule: form.rrule } : {}),
    };
  }

  function save(publish: boolean, scope?: Scope): void {
    const times = timesOfForm(form);
    if (!times) {
      setError(t('workspace.error.endBeforeStart', 'The end must not be before the start.'));
      return;
    }
    if (!form.calendar) {
      setError(t('workspace.error.noCalendar', 'Choose a calendar.'));
      return;
    }
    const done = publish ? t('workspace.saved.published', 'Saved and published') : t('workspace.saved.draft', 'Saved as a draft');
    if (!occurrence) {
      void run(() => api.create(fields(times, true), publish), done);
      return;
    }
    if (occurrence.recurring && !scope) {
      setAsking({ action: 'save', publish });
      return;
    }
    const chosen = occurrence.recurring ? (scope as Scope) : 'all';
    const body = {
      ...fields(chosen === 'all' && occurrence.recurring ? seriesTimes(occurrence, times) : times, chosen !== 'this'),
      etag: occurrence.etag ?? '',
      scope: chosen,
      recurrenceId: chosen === 'all' ? null : occurrence.recurrenceId,
      publish,
    };
    void run(() => api.update(occurrence.documentId, body), done);
  }

  function remove(scope?: Scope): void {
    if (!occurrence) return;
    if (occurrence.recurring && !scope) {
      setAsking({ action: 'delete', publish: false });
      return;
    }
    const chosen = scope ?? 'all';
    const params = { etag: occurrence.etag ?? undefined, scope: chosen, ...(chosen === 'all' ? {} : { recurrenceId: occurrence.recurrenceId ?? undefined }) };
    void run(() => api.remove(occurrence.documentId, params), t('workspace.deleted', 'Deleted'));
  }

  const toggleAllDay = (allDay: boolean) =>
    setForm((current) => ({
      ...current,
      allDay,
      start: allDay ? current.start.slice(0, 10) : `${current.start.slice(0, 10)}T09:00`,
      end: allDay ? current.end.slice(0, 10) : `${current.end.slice(0, 10)}T10:00`,
    }));

  const ruleChanged = occurrence !== null && (form.rrule ?? null) !== (occurrence.series.rrule ?? null);
  const startDate = form.allDay ? new Date(`${form.start}T00:00:00`) : new Date(form.start);

  return (
    <>
      <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
        <Modal.Content aria-label={t('workspace.panel.label', 'Event')}>
          <Modal.Header>
            <Flex gap={2}>
              <Modal.Title>{occurrence ? t('workspace.panel.edit', 'Edit event') : t('workspace.panel.new', 'New event')}</Modal.Title>
              {occurrence && statusBadge(occurrence.status, t)}
              {occurrence?.recurring && <Badge>{t('workspace.panel.repeating', 'Repeating')}</Badge>}
            </Flex>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              {error && (
                <Alert variant="danger" closeLabel={t('workspace.close', 'Close')} onClose={() => setError(null)} title={t('workspace.error.title', 'Not saved')}>
                  {error}
                </Alert>
              )}
              {occurrence?.override && (
                <Typography variant="pi" textColor="neutral600">
                  {t('workspace.panel.override', 'A calendar app gave this occurrence details of its own; changes here apply to the whole series.')}
                </Typography>
              )}
              <Field.Root name="summary">
                <Field.Label>{t('workspace.field.summary', 'Title')}</Field.Label>
                <TextInput value={form.summary} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('summary', event.target.value)} />
              </Field.Root>
              <Field.Root name="calendar" required>
                <Field.Label>{t('workspace.field.calendar', 'Calendar')}</Field.Label>
                <SingleSelect value={form.calendar} disabled={!editable} onChange={(value: string | number) => set('calendar', String(value))}>
                  {calendars.map((calendar) => (
                    <SingleSelectOption key={calendar.documentId} value={calendar.documentId}>
                      {calendar.owner ? `${calendar.name} (${calendar.owner})` : calendar.name}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
              <Checkbox checked={form.allDay} disabled={!editable} onCheckedChange={(checked: boolean | 'indeterminate') => toggleAllDay(checked === true)}>
                {t('workspace.field.allDay', 'All day')}
              </Checkbox>
              <Grid.Root gap={4}>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="start" required>
                    <Field.Label>{t('workspace.field.start', 'Start')}</Field.Label>
                    <TextInput type={form.allDay ? 'date' : 'datetime-local'} value={form.start} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('start', event.target.value)} />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="end" required>
                    <Field.Label>{form.allDay ? t('workspace.field.lastDay', 'Last day') : t('workspace.field.end', 'End')}</Field.Label>
                    <TextInput type={form.allDay ? 'date' : 'datetime-local'} value={form.end} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('end', event.target.value)} />
                  </Field.Root>
                </Grid.Item>
              </Grid.Root>
              {!form.allDay && (
                <Field.Root name="timezone" hint={t('workspace.field.timezoneHint', 'Times above are in your browser\'s time zone; the event keeps this one for calendar apps.')}>
                  <Field.Label>{t('workspace.field.timezone', 'Time zone')}</Field.Label>
                  <TimeZoneCombobox value={form.timezone} clearable={false} disabled={!editable} onChange={(zone) => set('timezone', zone)} />
                  <Field.Hint />
                </Field.Root>
              )}
              <Field.Root name="location">
                <Field.Label>{t('workspace.field.location', 'Location')}</Field.Label>
                <TextInput value={form.location} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('location', event.target.value)} />
              </Field.Root>
              <Field.Root name="description">
                <Field.Label>{t('workspace.field.description', 'Description')}</Field.Label>
                <Textarea value={form.description} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set('description', event.target.value)} />
              </Field.Root>
              <Box>
                <RecurrenceEditor value={form.rrule} start={Number.isNaN(startDate.getTime()) ? new Date() : startDate} allDay={form.allDay} disabled={!editable} onChange={(rule) => set('rrule', rule)} t={t} />
              </Box>
              {occurrence && (occurrence.organizer || occurrence.attendees.length > 0) && (
                <AttendeeList organizer={occurrence.organizer} attendees={occurrence.attendees} t={t} />
              )}
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Flex gap={2}>
              <Modal.Close>
                <Button variant="tertiary">{t('workspace.cancel', 'Cancel')}</Button>
              </Modal.Close>
              {occurrence && allowed.canDelete && (
                <Button variant="danger-light" disabled={busy} onClick={() => (occurrence.recurring ? remove() : setConfirmDelete(true))}>
                  {t('workspace.delete', 'Delete')}
                </Button>
              )}
            </Flex>
            <Flex gap={2}>
              {occurrence && allowed.canUpdate && occurrence.status !== 'draft' && (
                <Button variant="secondary" disabled={busy} onClick={() => void run(() => api.unpublish(occurrence.documentId), t('workspace.unpublished', 'Unpublished'))}>
                  {t('workspace.unpublish', 'Unpublish')}
                </Button>
              )}
              {occurrence && allowed.canUpdate && occurrence.status !== 'published' && (
                <Button variant="secondary" disabled={busy} onClick={() => void run(() => api.publish(occurrence.documentId), t('workspace.published', 'Published'))}>
                  {t('workspace.publish', 'Publish')}
                </Button>
              )}
              {editable && (
                <>
                  <Button variant="secondary" disabled={busy} onClick={() => save(false)}>
                    {t('workspace.saveDraft', 'Save as draft')}
                  </Button>
                  <Button disabled={busy} loading={busy} onClick={() => save(true)}>
                    {t('workspace.savePublish', 'Save and publish')}
                  </Button>
                </>
              )}
            </Flex>
          </Modal.Footer>
        </Modal.Content>
      </Modal.Root>
      {asking && occurrence && (
        <ScopeDialog
          action={asking.action}
          allowThis={!occurrence.override && !(asking.action === 'save' && ruleChanged)}
          onCancel={() => setAsking(null)}
          onChoose={(scope) => {
            const { action, publish } = asking;
            setAsking(null);
            if (action === 'save') save(publish, scope);
            else remove(scope);
          }}
          t={t}
        />
      )}
      {confirmDelete && (
        <Dialog.Root open onOpenChange={(open: boolean) => !open && setConfirmDelete(false)}>
          <Dialog.Content>
            <Dialog.Header>{t('workspace.delete.title', 'Delete this event?')}</Dialog.Header>
            <Dialog.Body>{t('workspace.delete.body', 'Calendar apps remove it at their next sync.')}</Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">{t('workspace.cancel', 'Cancel')}</Button>
              </Dialog.Cancel>
              <Button
                variant="danger"
                onClick={() => {
                  setConfirmDelete(false);
                  remove('all');
                }}
              >
                {t('workspace.delete', 'Delete')}
              </Button>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      )}
    </>
  );
}
