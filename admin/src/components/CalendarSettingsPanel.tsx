import * as React from 'react';
import {
  Alert,
  Box,
  Button,
  Combobox,
  ComboboxOption,
  Dialog,
  Field,
  Flex,
  Grid,
  Loader,
  Modal,
  SingleSelect,
  SingleSelectOption,
  Tabs,
  Textarea,
  TextInput,
  Typography,
} from '@strapi/design-system';

import type { Translate } from '../pages/translate';
import { errorMessage } from '../pages/workspace-api';
import { useCalendarAdminApi, type CalendarDetails, type CalendarFieldsInput, type CalendarPermissions } from './CalendarAdminApi';
import { CalendarLinks } from './CalendarLinks';
import { TimeZoneCombobox } from './TimeZoneCombobox';
import { ImportSection } from './ImportSection';
import { ShareSection, useSharingCandidates } from './ShareSection';

/** An existing calendar by documentId, or a new one. */
export type CalendarPanelTarget = { kind: 'edit'; documentId: string } | { kind: 'new' };

interface CalendarSettingsPanelProps {
  target: CalendarPanelTarget;
  allowed: CalendarPermissions;
  /** The calendar list (names, colors) or its events changed: the page reloads them. */
  onChanged: () => void;
  onClose: () => void;
  t: Translate;
}

interface Form {
  name: string;
  color: string;
  description: string;
  timezone: string;
  visibility: 'private' | 'public';
  owner: string;
}

const DEFAULT_COLOR = '#3B82F6';

function formOf(calendar: CalendarDetails | null): Form {
  return {
    name: calendar?.name ?? '',
    color: calendar?.color ?? DEFAULT_COLOR,
    description: calendar?.description ?? '',
    timezone: calendar?.timezone ?? '',
    visibility: calendar?.visibility ?? 'private',
    owner: calendar?.owner?.documentId ?? '',
  };
}

/** Only what changed, so that a save never rewrites a field someone else changed meanwhile. */
function changes(form: Form, calendar: CalendarDetails | null): CalendarFieldsInput {
  const before = formOf(calendar);
  const fields: CalendarFieldsInput = {};
  if (!calendar || form.name !== before.name) fields.name = form.name;
  if (!calendar || form.color !== before.color) fields.color = form.color;
  if (form.description !== before.description) fields.description = form.description || null;
  if (form.timezone !== before.timezone) fields.timezone = form.timezone || null;
  if (!calendar || form.visibility !== before.visibility) fields.visibility = form.visibility;
  if (form.owner && form.owner !== before.owner) fields.owner = form.owner;
  return fields;
}

/**
 * A calendar's settings, its sharing, its links for apps and phones, and import and export; or the form of a new
 * calendar. Opened from the calendar list of the calendar page.
 */
export function CalendarSettingsPanel({ target, allowed, onChanged, onClose, t }: CalendarSettingsPanelProps) {
  const api = useCalendarAdminApi();
  const [calendar, setCalendar] = React.useState<CalendarDetails | null>(null);
  const [form, setForm] = React.useState<Form>(() => formOf(null));
  const [loadError, setLoadError] = React.useState<string | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [confirmDelete, setConfirmDelete] = React.useState(false);
  const [tab, setTab] = React.useState('settings');
  const [ownerText, setOwnerText] = React.useState('');
  // Once created, the new calendar's panel shows its sharing and links like any other's.
  const isNew = target.kind === 'new' && calendar === null;
  const editable = isNew ? allowed.canCreate : allowed.canUpdate;
  const owners = useSharingCandidates(api, ownerText, editable);

  const show = React.useCallback((details: CalendarDetails) => {
    setCalendar(details);
    setForm(formOf(details));
    setOwnerText(details.owner?.username ?? '');
  }, []);

  React.useEffect(() => {
    if (target.kind !== 'edit') return;
    api.calendar(target.documentId).then(show, (failure: unknown) => setLoadError(errorMessage(failure)));
  }, [api, target, show]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));

  async function save(): Promise<void> {
    if (!form.name.trim()) {
      setError(t('calendarPanel.error.noName', 'Give the calendar a name.'));
      return;
    }
    if (isNew && !form.owner) {
      setError(t('calendarPanel.error.noOwner', 'Choose the user whose calendar it is: its address has their username.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const fields = changes(form, calendar);
      show(calendar ? await api.update(calendar.documentId, fields) : await api.create(fields));
      onChanged();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function remove(): Promise<void> {
    if (!calendar) return;
    setBusy(true);
    setError(null);
    try {
      await api.remove(calendar.documentId);
      onChanged();
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  const changed = (details: CalendarDetails) => {
    setCalendar(details);
  };

  const ownerOptions = owners.users.some((user) => user.documentId === form.owner) || !calendar?.owner ? owners.users : [calendar.owner, ...owners.users];

  const fieldsForm = (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Grid.Root gap={4}>
        <Grid.Item col={8} s={12} direction="column" alignItems="stretch">
          <Field.Root name="name" required>
            <Field.Label>{t('calendarPanel.field.name', 'Name')}</Field.Label>
            <TextInput value={form.name} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('name', event.target.value)} />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
          <Field.Root name="color">
            <Field.Label>{t('calendarPanel.field.color', 'Color')}</Field.Label>
            <Flex gap={2}>
              <input
                type="color"
                aria-label={t('calendarPanel.field.color', 'Color')}
                value={/^#[0-9a-f]{6}$/i.test(form.color) ? form.color : DEFAULT_COLOR}
                disabled={!editable}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('color', event.target.value.toUpperCase())}
                style={{ width: '4rem', height: '4rem', border: 'none', background: 'none', padding: 0 }}
              />
              <TextInput value={form.color} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('color', event.target.value)} />
            </Flex>
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
      <Field.Root name="description">
        <Field.Label>{t('calendarPanel.field.description', 'Description')}</Field.Label>
        <Textarea value={form.description} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set('description', event.target.value)} />
      </Field.Root>
      <Grid.Root gap={4}>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Field.Root name="timezone" hint={t('calendarPanel.field.timezoneHint', 'New events get this time zone; apps show it as the calendar\'s.')}>
            <Field.Label>{t('calendarPanel.field.timezone', 'Time zone')}</Field.Label>
            <TimeZoneCombobox value={form.timezone} disabled={!editable} onChange={(zone) => set('timezone', zone)} />
            <Field.Hint />
          </Field.Root>
        </Grid.Item>
        <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
          <Field.Root
            name="visibility"
            hint={
              form.visibility === 'public'
                ? t('calendarPanel.field.publicHint', 'Anyone can read it, without signing in, and subscribe to its public link.')
                : t('calendarPanel.field.privateHint', 'Only its owner and the people it is shared with (and holders of its secret link).')
            }
          >
            <Field.Label>{t('calendarPanel.field.visibility', 'Visibility')}</Field.Label>
            <SingleSelect value={form.visibility} disabled={!editable} onChange={(value: string | number) => set('visibility', value === 'public' ? 'public' : 'private')}>
              <SingleSelectOption value="private">{t('calendarPanel.field.private', 'Private')}</SingleSelectOption>
              <SingleSelectOption value="public">{t('calendarPanel.field.public', 'Public')}</SingleSelectOption>
            </SingleSelect>
            <Field.Hint />
          </Field.Root>
        </Grid.Item>
      </Grid.Root>
      <Field.Root name="owner" required={isNew} hint={t('calendarPanel.field.ownerHint', 'The user whose calendar it is: its address has their username.')}>
        <Field.Label>{t('calendarPanel.field.owner', 'Owner')}</Field.Label>
        <Combobox
          value={form.owner || undefined}
          textValue={ownerText}
          onTextValueChange={setOwnerText}
          disabled={!editable}
          autocomplete="none"
          placeholder={t('calendarPanel.field.ownerSearch', 'Search a user')}
          onChange={(value?: string) => set('owner', value ?? '')}
        >
          {ownerOptions.map((user) => (
            <ComboboxOption key={user.documentId} value={user.documentId} textValue={user.username}>
              {user.username}
            </ComboboxOption>
          ))}
        </Combobox>
        <Field.Hint />
      </Field.Root>
      {calendar && (
        <Typography variant="pi" textColor="neutral600">
          {t('calendarPanel.field.slug', 'Address name: {slug}', { slug: calendar.slug })}
        </Typography>
      )}
    </Flex>
  );

  return (
    <>
      <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
        <Modal.Content aria-label={t('calendarPanel.label', 'Calendar settings')} style={{ width: 'min(90vw, 83rem)' }}>
          <Modal.Header>
            <Modal.Title>{isNew ? t('calendarPanel.new', 'New calendar') : calendar?.name ?? t('calendarPanel.label', 'Calendar settings')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            {error && (
              <Box paddingBottom={4}>
                <Alert variant="danger" closeLabel={t('workspace.close', 'Close')} onClose={() => setError(null)} title={t('workspace.error.title', 'Not saved')}>
                  {error}
                </Alert>
              </Box>
            )}
            {loadError ? (
              <Typography textColor="danger600">{loadError}</Typography>
            ) : isNew ? (
              fieldsForm
            ) : !calendar ? (
              <Flex justifyContent="center" padding={6}>
                <Loader small>{t('calendarPanel.loading', 'Loading the calendar')}</Loader>
              </Flex>
            ) : (
              <Tabs.Root value={tab} onValueChange={setTab} variant="simple">
                <Tabs.List aria-label={t('calendarPanel.label', 'Calendar settings')}>
                  <Tabs.Trigger value="settings">{t('calendarPanel.tab.settings', 'Settings')}</Tabs.Trigger>
                  <Tabs.Trigger value="sharing">{t('calendarPanel.tab.sharing', 'Sharing')}</Tabs.Trigger>
                  <Tabs.Trigger value="links">{t('calendarPanel.tab.links', 'Links')}</Tabs.Trigger>
                  {(allowed.canImport || allowed.canExport) && <Tabs.Trigger value="import">{t('calendarPanel.tab.import', 'Import and export')}</Tabs.Trigger>}
                </Tabs.List>
                <Box paddingTop={5}>
                  <Tabs.Content value="settings">{fieldsForm}</Tabs.Content>
                  <Tabs.Content value="sharing">
                    <ShareSection calendar={calendar} api={api} canUpdate={allowed.canUpdate} onChanged={changed} t={t} />
                  </Tabs.Content>
                  <Tabs.Content value="links">
                    <CalendarLinks calendar={calendar} api={api} canUpdate={allowed.canUpdate} onChanged={changed} t={t} />
                  </Tabs.Content>
                  <Tabs.Content value="import">
                    <ImportSection calendar={calendar} api={api} canImport={allowed.canImport} canExport={allowed.canExport} onImported={onChanged} t={t} />
                  </Tabs.Content>
                </Box>
              </Tabs.Root>
            )}
          </Modal.Body>
          <Modal.Footer>
            <Flex gap={2}>
              <Modal.Close>
                <Button variant="tertiary">{t('workspace.close', 'Close')}</Button>
              </Modal.Close>
              {calendar && allowed.canDelete && (
                <Button variant="danger-light" disabled={busy} onClick={() => setConfirmDelete(true)}>
                  {t('calendarPanel.delete', 'Delete calendar')}
                </Button>
              )}
            </Flex>
            {/* Sharing, links and imports take effect at once; Save is for the settings tab's fields. */}
            {editable && (isNew || (calendar && tab === 'settings')) && (
              <Button disabled={busy} loading={busy} onClick={() => void save()}>
                {isNew ? t('calendarPanel.create', 'Create calendar') : t('calendarPanel.save', 'Save')}
              </Button>
            )}
          </Modal.Footer>
        </Modal.Content>
      </Modal.Root>
      {confirmDelete && calendar && (
        <Dialog.Root open onOpenChange={(open: boolean) => !open && setConfirmDelete(false)}>
          <Dialog.Content>
            <Dialog.Header>{t('calendarPanel.delete.title', 'Delete the calendar "{name}"?', { name: calendar.name })}</Dialog.Header>
            <Dialog.Body>
              {t('calendarPanel.delete.body', 'Its events and shares are deleted with it; calendar apps remove it at their next sync. This cannot be undone: export it first to keep a copy.')}
            </Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">{t('workspace.cancel', 'Cancel')}</Button>
              </Dialog.Cancel>
              <Button
                variant="danger"
                onClick={() => {
                  setConfirmDelete(false);
                  void remove();
                }}
              >
                {t('calendarPanel.delete', 'Delete calendar')}
              </Button>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      )}
    </>
  );
}
