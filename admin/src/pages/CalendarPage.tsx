import * as React from 'react';
import FullCalendar from '@fullcalendar/react';
import type { DateSelectArg, EventClickArg, EventContentArg, EventDropArg, EventInput, EventSourceFuncArg } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import interactionPlugin, { type EventResizeDoneArg } from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import timeGridPlugin from '@fullcalendar/timegrid';
import { Badge, Box, Button, Checkbox, Flex, IconButton, Typography } from '@strapi/design-system';
import { ArrowClockwise, Cog, Plus } from '@strapi/icons';
import { Layouts, Page, useNotification, useRBAC } from '@strapi/strapi/admin';
import { styled, useTheme } from 'styled-components';

import { useCalendarPermissions } from '../components/CalendarAdminApi';
import { CalendarSettingsPanel, type CalendarPanelTarget } from '../components/CalendarSettingsPanel';
import { EventPanel, seriesTimes, type PanelTarget } from '../components/EventPanel';
import { ScopeDialog } from '../components/ScopeDialog';
import { timesFrom, timesOf, type Times } from './time';
import { useT } from './translate';
import { errorMessage, isConflict, useWorkspaceApi, type Calendar, type Occurrence, type Scope } from './workspace-api';

const permissions = {
  read: [{ action: 'plugin::caldav.events.read', subject: null }],
  create: [{ action: 'plugin::caldav.events.create', subject: null }],
  update: [{ action: 'plugin::caldav.events.update', subject: null }],
  delete: [{ action: 'plugin::caldav.events.delete', subject: null }],
};

const DEFAULT_COLOR = '#3B82F6';

/** Black or white text, whichever reads better on a calendar's color. */
function textOn(color: string): string {
  const hex = /^#([0-9a-f]{6})/i.exec(color)?.[1] ?? '3b82f6';
  const [r, g, b] = [0, 2, 4].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return r * 0.299 + g * 0.587 + b * 0.114 > 160 ? '#212134' : '#ffffff';
}

// FullCalendar's own look, in the admin's colors (its CSS variables), with drafts striped and outlined.
const Frame = styled(Box)`
  .fc .fc-button {
    text-transform: capitalize;
    font-size: 1.2rem;
  }
  .fc .fc-toolbar-title {
    font-size: 1.8rem;
  }
  .fc .fc-event.caldav-draft {
    border-style: dashed;
    border-width: 2px;
    background-image: repeating-linear-gradient(135deg, transparent 0 6px, rgba(128, 128, 128, 0.18) 6px 12px);
  }
  .fc .caldav-event-content {
    display: flex;
    gap: 4px;
    align-items: center;
    overflow: hidden;
    white-space: nowrap;
    font-size: 1.2rem;
  }
  .fc-theme-standard td,
  .fc-theme-standard th {
    border-color: var(--fc-border-color);
  }
`;

interface PendingMove {
  occurrence: Occurrence;
  times: Times;
  revert: () => void;
}

export function CalendarPage() {
  const t = useT();
  const api = useWorkspaceApi();
  const theme = useTheme() as unknown as { colors: Record<string, string> };
  const { toggleNotification } = useNotification();
  const rbac = useRBAC(permissions);
  const allowed = {
    canCreate: rbac.allowedActions.canCreate === true,
    canUpdate: rbac.allowedActions.canUpdate === true,
    canDelete: rbac.allowedActions.canDelete === true,
  };
  const calendarRef = React.useRef<FullCalendar>(null);
  const [calendars, setCalendars] = React.useState<Calendar[] | null>(null);
  const [loadError, setLoadError] = React.useState<string | null>(null);
  const [hidden, setHidden] = React.useState<Set<string>>(() => new Set());
  const [panel, setPanel] = React.useState<PanelTarget | null>(null);
  const [pending, setPending] = React.useState<PendingMove | null>(null);
  const calendarRights = useCalendarPermissions();
  const [calendarPanel, setCalendarPanel] = React.useState<CalendarPanelTarget | null>(null);

  const loadCalendars = React.useCallback(() => {
    api.calendars().then(setCalendars, (error: unknown) => setLoadError(errorMessage(error)));
  }, [api]);
  React.useEffect(loadCalendars, [loadCalendars]);

  const byId = React.useMemo(() => new Map((calendars ?? []).map((calendar) => [calendar.documentId, calendar])), [calendars]);
  const visible = React.useMemo(() => (calendars ?? []).filter((calendar) => !hidden.has(calendar.documentId)).map((calendar) => calendar.documentId), [calendars, hidden]);

  const reload = React.useCallback(() => calendarRef.current?.getApi().refetchEvents(), []);
  const notify = React.useCallback(
    (type: 'success' | 'danger' | 'warning', message: string) => toggleNotification({ type, message }),
    [toggleNotification],
  );

  const toEvent = React.useCallback(
    (occurrence: Occurrence): EventInput => {
      const color = byId.get(occurrence.calendar)?.color ?? DEFAULT_COLOR;
      const draft = occurrence.status !== 'published';
      const times = timesOf(occurrence);
      return {
        id: occurrence.id,
        title: occurrence.summary ?? t('workspace.untitled', '(no title)'),
        start: times.start,
        end: times.end,
        allDay: occurrence.allDay,
        backgroundColor: draft ? theme.colors.neutral0 : color,
        borderColor: color,
        textColor: draft ? theme.colors.neutral800 : textOn(color),
        classNames: draft ? ['caldav-draft'] : [],
        extendedProps: { occurrence },
      };
    },
    [byId, t, theme],
  );

  // A new function whenever the shown calendars change: FullCalendar then fetches again.
  const events = React.useCallback(
    (info: EventSourceFuncArg, success: (events: EventInput[]) => void, failure: (error: Error) => void) => {
      if (visible.length === 0) {
        success([]);
        return;
      }
      api.occurrences(info.start.toISOString(), info.end.toISOString(), visible).then(
        (found) => success(found.map(toEvent)),
        (error: unknown) => {
          notify('danger', errorMessage(error));
          failure(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
    [api, visible, toEvent, notify],
  );

  const select = (info: DateSelectArg) => {
    calendarRef.current?.getApi().unselect();
    if (!allowed.canCreate || visible.length === 0) return;
    setPanel({ kind: 'new', times: timesFrom(info.start, info.end, info.allDay), calendar: visible[0] });
  };

  const click = (info: EventClickArg) => {
    info.jsEvent.preventDefault();
    setPanel({ kind: 'edit', occurrence: info.event.extendedProps.occurrence as Occurrence });
  };

  async function move(change: PendingMove, scope: Scope): Promise<void> {
    const { occurrence, times, revert } = change;
    const whole = scope === 'all';
    try {
      await api.update(occurrence.documentId, {
        ...(whole && occurrence.recurring ? seriesTimes(occurrence, times) : times),
        etag: occurrence.etag ?? '',
        scope,
        recurrenceId: whole ? null : occurrence.recurrenceId,
        // Moving keeps the event as it was: published stays published, a draft stays a draft.
        publish: occurrence.status === 'published',
      });
      notify('success', t('workspace.moved', 'Moved'));
    } catch (error) {
      revert();
      notify(isConflict(error) ? 'warning' : 'danger', errorMessage(error));
    }
    reload();
  }

  const moved = (info: EventDropArg | EventResizeDoneArg) => {
    const occurrence = info.event.extendedProps.occurrence as Occurrence;
    if (!info.event.start) return info.revert();
    const change = { occurrence, times: timesFrom(info.event.start, info.event.end, info.event.allDay), revert: info.revert };
    if (occurrence.recurring) setPending(change);
    else void move(change, 'all');
  };

  const content = (arg: EventContentArg) => {
    // The selection's own placeholder (selectMirror) has no occurrence behind it.
    const occurrence = arg.event.extendedProps.occurrence as Occurrence | undefined;
    return (
      <div className="caldav-event-content" title={arg.event.title}>
        {arg.timeText && <b>{arg.timeText}</b>}
        <span>{arg.event.title}</span>
        {occurrence && occurrence.status !== 'published' && (
          <Badge size="S">{occurrence.status === 'draft' ? t('workspace.status.draft', 'Draft') : t('workspace.status.changed', 'Changed')}</Badge>
        )}
      </div>
    );
  };

  if (loadError) return <Page.Error />;
  if (!calendars || rbac.isLoading) return <Page.Loading />;

  const frameStyle = {
    '--fc-border-color': theme.colors.neutral200,
    '--fc-page-bg-color': theme.colors.neutral0,
    '--fc-neutral-bg-color': theme.colors.neutral100,
    '--fc-list-event-hover-bg-color': theme.colors.primary100,
    '--fc-today-bg-color': theme.colors.primary100,
    '--fc-button-bg-color': theme.colors.neutral0,
    '--fc-button-border-color': theme.colors.neutral200,
    '--fc-button-text-color': theme.colors.neutral800,
    '--fc-button-hover-bg-color': theme.colors.neutral100,
    '--fc-button-hover-border-color': theme.colors.neutral300,
    '--fc-button-active-bg-color': theme.colors.primary600,
    '--fc-button-active-border-color': theme.colors.primary600,
    '--fc-now-indicator-color': theme.colors.danger600,
    color: theme.colors.neutral800,
  } as React.CSSProperties;

  return (
    <Page.Main>
      <Page.Title>{t('workspace.title', 'Calendar')}</Page.Title>
      <Layouts.Header
        title={t('workspace.title', 'Calendar')}
        subtitle={t('workspace.subtitle', 'Events of every calendar; changes reach calendar apps at their next sync.')}
        primaryAction={
          allowed.canCreate && visible.length > 0 ? (
            <Button
              startIcon={<Plus />}
              onClick={() => {
                const start = new Date();
                start.setMinutes(0, 0, 0);
                start.setHours(start.getHours() + 1);
                setPanel({ kind: 'new', times: timesFrom(start, null, false), calendar: visible[0] });
              }}
            >
              {t('workspace.new', 'New event')}
            </Button>
          ) : undefined
        }
        secondaryAction={
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={reload}>
            {t('workspace.reload', 'Reload')}
          </Button>
        }
      />
      <Layouts.Content>
        <Flex alignItems="flex-start" gap={4}>
          <Box background="neutral0" hasRadius shadow="tableShadow" padding={4} width="240px" flex="none">
            <Typography variant="sigma" textColor="neutral600" tag="h2">
              {t('workspace.calendars', 'Calendars')}
            </Typography>
            <Flex direction="column" alignItems="stretch" gap={2} paddingTop={3} tag="ul">
              {calendars.length === 0 && <Typography textColor="neutral600">{t('workspace.noCalendars', 'No calendars yet.')}</Typography>}
              {calendars.map((calendar) => (
                <li key={calendar.documentId}>
                  <Flex gap={2}>
                    <Checkbox
                      checked={!hidden.has(calendar.documentId)}
                      onCheckedChange={(checked: boolean | 'indeterminate') =>
                        setHidden((current) => {
                          const next = new Set(current);
                          if (checked === true) next.delete(calendar.documentId);
                          else next.add(calendar.documentId);
                          return next;
                        })
                      }
                      aria-label={calendar.name}
                    />
                    <Box width="1.2rem" height="1.2rem" hasRadius flex="none" style={{ backgroundColor: calendar.color ?? DEFAULT_COLOR }} />
                    <Flex direction="column" alignItems="flex-start" flex="1" minWidth="0">
                      <Typography fontWeight="semiBold">{calendar.name}</Typography>
                      {calendar.owner && (
                        <Typography variant="pi" textColor="neutral600">
                          {calendar.owner}
                          {calendar.visibility === 'public' ? ` · ${t('workspace.public', 'public')}` : ''}
                        </Typography>
                      )}
                    </Flex>
                    {calendarRights.canRead && (
                      <IconButton
                        label={t('calendarPanel.open', 'Settings of {name}', { name: calendar.name })}
                        variant="ghost"
                        size="S"
                        onClick={() => setCalendarPanel({ kind: 'edit', documentId: calendar.documentId })}
                      >
                        <Cog />
                      </IconButton>
                    )}
                  </Flex>
                </li>
              ))}
            </Flex>
            {calendarRights.canCreate && (
              <Box paddingTop={3}>
                <Button variant="tertiary" size="S" startIcon={<Plus />} onClick={() => setCalendarPanel({ kind: 'new' })}>
                  {t('calendarPanel.new', 'New calendar')}
                </Button>
              </Box>
            )}
          </Box>
          <Frame background="neutral0" hasRadius shadow="tableShadow" padding={4} flex="1" minWidth="0" style={frameStyle}>
            <FullCalendar
              ref={calendarRef}
              plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
              initialView="timeGridWeek"
              headerToolbar={{ left: 'prev,next today', center: 'title', right: 'dayGridMonth,timeGridWeek,timeGridDay,listWeek' }}
              buttonText={{
                today: t('workspace.view.today', 'Today'),
                month: t('workspace.view.month', 'Month'),
                week: t('workspace.view.week', 'Week'),
                day: t('workspace.view.day', 'Day'),
                list: t('workspace.view.agenda', 'Agenda'),
              }}
              firstDay={1}
              height="auto"
              nowIndicator
              scrollTime="08:00:00"
              selectable={allowed.canCreate}
              selectMirror
              editable={allowed.canUpdate}
              events={events}
              eventContent={content}
              select={select}
              eventClick={click}
              eventDrop={moved}
              eventResize={moved}
            />
          </Frame>
        </Flex>
      </Layouts.Content>
      {panel && (
        <EventPanel
          target={panel}
          calendars={calendars}
          api={api}
          allowed={allowed}
          t={t}
          onClose={() => setPanel(null)}
          onDone={(message) => {
            setPanel(null);
            notify('success', message);
            reload();
          }}
          onConflict={(message) => {
            setPanel(null);
            notify('warning', message);
            reload();
          }}
        />
      )}
      {calendarPanel && (
        <CalendarSettingsPanel
          target={calendarPanel}
          allowed={calendarRights}
          t={t}
          onClose={() => setCalendarPanel(null)}
          onChanged={() => {
            loadCalendars();
            reload();
          }}
        />
      )}
      {pending && (
        <ScopeDialog
          action="save"
          allowThis={!pending.occurrence.override}
          t={t}
          onCancel={() => {
            pending.revert();
            setPending(null);
          }}
          onChoose={(scope) => {
            setPending(null);
            void move(pending, scope);
          }}
        />
      )}
    </Page.Main>
  );
}

/** The page as the admin's router loads it, guarded by the read permission. */
export default function ProtectedCalendarPage() {
  return (
    <Page.Protect permissions={permissions.read}>
      <CalendarPage />
    </Page.Protect>
  );
}
