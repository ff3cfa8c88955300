import * as React from 'react';
import {
  Alert,
  Badge,
  Box,
  Button,
  Dialog,
  Field,
  Flex,
  Grid,
  IconButton,
  Loader,
  Modal,
  MultiSelect,
  MultiSelectOption,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  Textarea,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { useFetchClient, useNotification } from '@strapi/strapi/admin';

import type { SettingsDescription, SourceAttribute, SourceContentType, SourceOptions } from '../../../../server/src/config/settings';
import { TimeZoneCombobox } from '../../components/TimeZoneCombobox';
import { useT, type Translate } from '../translate';
import { errorMessage } from '../workspace-api';
import { fieldsOf, filterableAttributes, GROUP_RULE, pathsFor, typeOfPath, urlPlaceholders, type MappedField, type SourceKind } from './source-fields';

/**
 * The settings page's "Content sources": the site's own collection types shown as read-only calendars and address
 * books (server/src/sources). The list with Add, Edit and Remove; the form maps a collection type's attributes to
 * the fields of events or contacts, offering only attributes that fit. Every change saves the whole list, which
 * the server checks against the site's models: its message, naming the source and field, is shown by the form.
 */

interface WhereRow {
  attribute: string;
  value: string;
}

interface SourceForm {
  kind: SourceKind;
  name: string;
  slug: string;
  description: string;
  contentType: string;
  /** Field key -> attribute path ('' for none). */
  fields: Record<string, string>;
  url: string;
  visibility: 'public' | 'private';
  owner: string;
  roles: string[];
  status: '' | 'published' | 'draft';
  locale: string;
  where: WhereRow[];
  groupBy: string;
  timezone: string;
  color: string;
}

type Loose = Record<string, unknown>;

const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The form of a source as saved (read defensively: a config file may hold nulls where the form has empty values). */
function formOf(source: unknown): SourceForm {
  const given = isRecord(source) ? source : {};
  const fields = isRecord(given.fields) ? given.fields : {};
  const filter = isRecord(given.filter) ? given.filter : {};
  const where = isRecord(filter.where) ? filter.where : {};
  return {
    kind: given.kind === 'addressbook' ? 'addressbook' : 'calendar',
    name: text(given.name),
    slug: text(given.slug),
    description: text(given.description),
    contentType: text(given.contentType),
    fields: Object.fromEntries(Object.entries(fields).filter(([key, path]) => key !== 'url' && typeof path === 'string')) as Record<string, string>,
    url: text(fields.url),
    visibility: given.visibility === 'public' ? 'public' : 'private',
    owner: text(given.owner),
    roles: Array.isArray(given.sharedWithRoles) ? given.sharedWithRoles.filter((role): role is string => typeof role === 'string') : [],
    status: filter.status === 'published' || filter.status === 'draft' ? filter.status : '',
    locale: text(filter.locale),
    where: Object.entries(where).map(([attribute, value]) => ({ attribute, value: value === null || value === undefined ? '' : String(value) })),
    groupBy: text(given.groupBy),
    timezone: text(given.timezone),
    color: text(given.color),
  };
}

/** A filter value as the attribute holds it: numbers and booleans as such; an empty value is "no value" (null). */
function whereValue(raw: string, attribute: SourceAttribute | undefined): string | number | boolean | null {
  if (raw === '') return null;
  if (attribute?.type === 'boolean') return raw === 'true';
  if (attribute && ['integer', 'biginteger', 'float', 'decimal'].includes(attribute.type) && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}

/** The source the form describes, with only the keys that have a value. */
function sourceOf(form: SourceForm, contentType: SourceContentType | undefined): Loose {
  const trimmed = (value: string) => value.trim();
  const fields: Loose = {};
  for (const mapped of fieldsOf(form.kind)) {
    const path = form.fields[mapped.key];
    if (path) fields[mapped.key] = path;
  }
  if (trimmed(form.url)) fields.url = trimmed(form.url);
  const source: Loose = { kind: form.kind, slug: trimmed(form.slug), name: trimmed(form.name) };
  if (trimmed(form.description)) source.description = trimmed(form.description);
  source.contentType = form.contentType;
  source.visibility = form.visibility;
  if (trimmed(form.owner)) source.owner = trimmed(form.owner);
  if (form.roles.length > 0) source.sharedWithRoles = form.roles;
  const filter: Loose = {};
  if (form.status) filter.status = form.status;
  if (form.locale) filter.locale = form.locale;
  const rows = form.where.filter((row) => row.attribute);
  if (rows.length > 0) {
    filter.where = Object.fromEntries(
      rows.map((row) => [row.attribute, whereValue(row.value, contentType?.attributes.find((attribute) => attribute.name === row.attribute))]),
    );
  }
  if (Object.keys(filter).length > 0) source.filter = filter;
  source.fields = fields;
  if (form.kind === 'calendar') {
    if (form.groupBy) source.groupBy = form.groupBy;
    if (form.timezone) source.timezone = form.timezone;
    if (trimmed(form.color)) source.color = trimmed(form.color);
  }
  return source;
}

/** A URL segment from a name: "Conference talks" gives "conference-talks". */
const slugFrom = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);

/** The form after choosing another kind or content type: the mapped fields that still fit are kept. */
function withTarget(form: SourceForm, kind: SourceKind, contentType: SourceContentType | undefined): SourceForm {
  const keep = (mapped: MappedField) => {
    const path = form.fields[mapped.key];
    return path && contentType && pathsFor(contentType, mapped.rule).includes(path) ? [[mapped.key, path]] : [];
  };
  const attributes = new Set(contentType ? filterableAttributes(contentType).map((attribute) => attribute.name) : []);
  return {
    ...form,
    kind,
    contentType: contentType?.uid ?? form.contentType,
    fields: Object.fromEntries(fieldsOf(kind).flatMap(keep)),
    groupBy: kind === 'calendar' && contentType && pathsFor(contentType, GROUP_RULE).includes(form.groupBy) ? form.groupBy : '',
    status: contentType?.draftAndPublish ? form.status : '',
    locale: contentType?.localized ? form.locale : '',
    where: form.where.filter((row) => attributes.has(row.attribute)),
  };
}

const EMPTY_FORM: SourceForm = formOf({ kind: 'calendar', visibility: 'private' });

interface PathSelectProps {
  label: string;
  hint?: string;
  required?: boolean;
  value: string;
  paths: string[];
  contentType: SourceContentType | undefined;
  onChange: (path: string) => void;
  t: Translate;
}

/** A picker of the attribute paths that fit a field (and the current one, should it no longer be offered). */
function PathSelect({ label, hint, required, value, paths, contentType, onChange, t }: PathSelectProps) {
  const options = value && !paths.includes(value) ? [value, ...paths] : paths;
  return (
    <Field.Root required={required} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <SingleSelect
        value={value || null}
        placeholder={options.length > 0 ? t('settings.sources.field.choose', 'Choose an attribute') : t('settings.sources.field.noneFits', 'No attribute fits')}
        onChange={(next: string | number) => onChange(String(next))}
        onClear={value && !required ? () => onChange('') : undefined}
        clearLabel={t('settings.sources.field.clear', 'None')}
      >
        {options.map((path) => {
          const type = contentType ? typeOfPath(contentType, path) : null;
          return (
            <SingleSelectOption key={path} value={path}>
              {type ? `${path} (${type})` : path}
            </SingleSelectOption>
          );
        })}
      </SingleSelect>
      <Field.Hint />
    </Field.Root>
  );
}

interface SourceModalProps {
  initial: SourceForm;
  isNew: boolean;
  options: SourceOptions;
  busy: boolean;
  error: string | null;
  onDismissError: () => void;
  onSave: (source: Loose) => void;
  onClose: () => void;
  t: Translate;
}

function SourceModal({ initial, isNew, options, busy, error, onDismissError, onSave, onClose, t }: SourceModalProps) {
  const [form, setForm] = React.useState<SourceForm>(initial);
  const [slugTouched, setSlugTouched] = React.useState(!isNew);
  const errorBox = React.useRef<HTMLDivElement>(null);
  const contentType = options.contentTypes.find((candidate) => candidate.uid === form.contentType);

  // The server's message is shown at the top of the form, which may be scrolled down to the Save button.
  React.useEffect(() => {
    if (error) errorBox.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  const set = <K extends keyof SourceForm>(key: K, value: SourceForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const setPath = (key: string, path: string) => setForm((current) => ({ ...current, fields: { ...current.fields, [key]: path } }));
  const setWhere = (index: number, row: Partial<WhereRow>) =>
    setForm((current) => ({ ...current, where: current.where.map((existing, at) => (at === index ? { ...existing, ...row } : existing)) }));
  const cell = (col: number, children: React.ReactNode) => (
    <Grid.Item col={col} s={12} direction="column" alignItems="stretch">
      {children}
    </Grid.Item>
  );
  const filterable = contentType ? filterableAttributes(contentType) : [];
  const fieldLabel = (mapped: MappedField) => t(`settings.sources.field.${mapped.key}`, mapped.label);

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content aria-label={t('settings.sources.form', 'Content source')} style={{ width: 'min(92vw, 90rem)' }}>
        <Modal.Header>
          <Modal.Title>{isNew ? t('settings.sources.new', 'New content source') : t('settings.sources.edit', 'Edit {name}', { name: initial.name || initial.slug })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={6}>
            {error && (
              <Box ref={errorBox}>
                <Alert variant="danger" closeLabel={t('workspace.close', 'Close')} onClose={onDismissError} title={t('workspace.error.title', 'Not saved')}>
                  {error}
                </Alert>
              </Box>
            )}

            <Grid.Root gap={4}>
              {cell(
                4,
                <Field.Root required>
                  <Field.Label>{t('settings.sources.kind', 'Shown as')}</Field.Label>
                  <SingleSelect value={form.kind} onChange={(value: string | number) => setForm((current) => withTarget(current, value === 'addressbook' ? 'addressbook' : 'calendar', contentType))}>
                    <SingleSelectOption value="calendar">{t('settings.sources.kind.calendar', 'Calendar')}</SingleSelectOption>
                    <SingleSelectOption value="addressbook">{t('settings.sources.kind.addressbook', 'Address book')}</SingleSelectOption>
                  </SingleSelect>
                </Field.Root>,
              )}
              {cell(
                4,
                <Field.Root required>
                  <Field.Label>{t('settings.sources.name', 'Name')}</Field.Label>
                  <TextInput
                    value={form.name}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                      const name = event.target.value;
                      setForm((current) => ({ ...current, name, slug: slugTouched ? current.slug : slugFrom(name) }));
                    }}
                  />
                </Field.Root>,
              )}
              {cell(
                4,
                <Field.Root required hint={t('settings.sources.slug.hint', 'Its address: lower-case letters, digits and -')}>
                  <Field.Label>{t('settings.sources.slug', 'Address name (slug)')}</Field.Label>
                  <TextInput
                    value={form.slug}
                    onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                      setSlugTouched(true);
                      set('slug', event.target.value);
                    }}
                  />
                  <Field.Hint />
                </Field.Root>,
              )}
              {cell(
                12,
                <Field.Root>
                  <Field.Label>{t('settings.sources.description', 'Description')}</Field.Label>
                  <Textarea value={form.description} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set('description', event.target.value)} />
                </Field.Root>,
              )}
            </Grid.Root>

            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h3">
                {t('settings.sources.mapping', 'Fields')}
              </Typography>
              <Field.Root required hint={t('settings.sources.contentType.hint', 'Its entries become the events or contacts')}>
                <Field.Label>{t('settings.sources.contentType', 'Content type')}</Field.Label>
                <SingleSelect
                  value={form.contentType || null}
                  placeholder={t('settings.sources.contentType.choose', 'Choose a collection type')}
                  onChange={(value: string | number) =>
                    setForm((current) =>
                      withTarget(
                        current,
                        current.kind,
                        options.contentTypes.find((candidate) => candidate.uid === value),
                      ),
                    )
                  }
                >
                  {(contentType || !form.contentType ? options.contentTypes : [{ uid: form.contentType, displayName: form.contentType }, ...options.contentTypes]).map((candidate) => (
                    <SingleSelectOption key={candidate.uid} value={candidate.uid}>
                      {`${candidate.displayName} (${candidate.uid})`}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Hint />
              </Field.Root>
              {form.contentType ? (
                <Grid.Root gap={4}>
                  {fieldsOf(form.kind).map((mapped) => (
                    <Grid.Item key={`${form.kind}-${mapped.key}`} col={4} s={12} direction="column" alignItems="stretch">
                      <PathSelect
                        label={fieldLabel(mapped)}
                        required={mapped.required}
                        value={form.fields[mapped.key] ?? ''}
                        paths={contentType ? pathsFor(contentType, mapped.rule) : []}
                        contentType={contentType}
                        onChange={(path) => setPath(mapped.key, path)}
                        t={t}
                      />
                    </Grid.Item>
                  ))}
                  {cell(
                    12,
                    <Field.Root
                      hint={t('settings.sources.url.hint', 'A link to each entry; its placeholders: {names}', {
                        names: contentType ? urlPlaceholders(contentType).map((name) => `{${name}}`).join(' ') : '',
                      })}
                    >
                      <Field.Label>{t('settings.sources.url', 'URL pattern')}</Field.Label>
                      <TextInput
                        value={form.url}
                        placeholder="https://example.org/talks/{slug}"
                        onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('url', event.target.value)}
                      />
                      <Field.Hint />
                    </Field.Root>,
                  )}
                </Grid.Root>
              ) : null}
            </Flex>

            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h3">
                {t('settings.sources.access', 'Who sees it')}
              </Typography>
              <Grid.Root gap={4}>
                {cell(
                  4,
                  <Field.Root
                    required
                    hint={
                      form.visibility === 'public'
                        ? t('settings.sources.public.hint', 'Anyone can read it, without signing in')
                        : t('settings.sources.private.hint', 'Only its owner and the roles it is shared with')
                    }
                  >
                    <Field.Label>{t('settings.sources.visibility', 'Visibility')}</Field.Label>
                    <SingleSelect value={form.visibility} onChange={(value: string | number) => set('visibility', value === 'public' ? 'public' : 'private')}>
                      <SingleSelectOption value="private">{t('settings.sources.private', 'Private')}</SingleSelectOption>
                      <SingleSelectOption value="public">{t('settings.sources.public', 'Public')}</SingleSelectOption>
                    </SingleSelect>
                    <Field.Hint />
                  </Field.Root>,
                )}
                {cell(
                  4,
                  <Field.Root hint={t('settings.sources.owner.hint', 'The username whose calendar app lists it')}>
                    <Field.Label>{t('settings.sources.owner', 'Owner')}</Field.Label>
                    <TextInput value={form.owner} onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('owner', event.target.value)} />
                    <Field.Hint />
                  </Field.Root>,
                )}
                {cell(
                  4,
                  <Field.Root hint={t('settings.sources.roles.hint', 'Their users see it, read-only')}>
                    <Field.Label>{t('settings.sources.roles', 'Shared with roles')}</Field.Label>
                    <MultiSelect withTags value={form.roles} placeholder={t('settings.sources.roles.none', 'No role')} onChange={(roles: string[]) => set('roles', roles)}>
                      {[...options.roles, ...form.roles.filter((type) => !options.roles.some((role) => role.type === type)).map((type) => ({ type, name: type }))].map((role) => (
                        <MultiSelectOption key={role.type} value={role.type}>
                          {role.name}
                        </MultiSelectOption>
                      ))}
                    </MultiSelect>
                    <Field.Hint />
                  </Field.Root>,
                )}
              </Grid.Root>
            </Flex>

            {contentType ? (
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h3">
                  {t('settings.sources.filter', 'Which entries')}
                </Typography>
                <Grid.Root gap={4}>
                  {contentType.draftAndPublish
                    ? cell(
                        4,
                        <Field.Root>
                          <Field.Label>{t('settings.sources.status', 'Version')}</Field.Label>
                          <SingleSelect value={form.status || 'published'} onChange={(value: string | number) => set('status', value === 'draft' ? 'draft' : 'published')}>
                            <SingleSelectOption value="published">{t('settings.sources.status.published', 'Published entries')}</SingleSelectOption>
                            <SingleSelectOption value="draft">{t('settings.sources.status.draft', 'Latest drafts')}</SingleSelectOption>
                          </SingleSelect>
                        </Field.Root>,
                      )
                    : null}
                  {contentType.localized
                    ? cell(
                        4,
                        <Field.Root hint={t('settings.sources.locale.hint', 'Without one, each locale is shown on its own')}>
                          <Field.Label>{t('settings.sources.locale', 'Locale')}</Field.Label>
                          <SingleSelect
                            value={form.locale || null}
                            placeholder={t('settings.sources.locale.each', 'Each locale')}
                            onChange={(value: string | number) => set('locale', String(value))}
                            onClear={form.locale ? () => set('locale', '') : undefined}
                            clearLabel={t('settings.sources.locale.each', 'Each locale')}
                          >
                            {options.locales.map((locale) => (
                              <SingleSelectOption key={locale.code} value={locale.code}>
                                {`${locale.name} (${locale.code})`}
                              </SingleSelectOption>
                            ))}
                          </SingleSelect>
                          <Field.Hint />
                        </Field.Root>,
                      )
                    : null}
                </Grid.Root>
                {form.where.map((row, index) => {
                  const attribute = filterable.find((candidate) => candidate.name === row.attribute);
                  return (
                    <Flex key={index} gap={2} alignItems="flex-end">
                      <Box flex="1">
                        <Field.Root>
                          <Field.Label>{t('settings.sources.where.attribute', 'Only entries whose')}</Field.Label>
                          <SingleSelect value={row.attribute || null} onChange={(value: string | number) => setWhere(index, { attribute: String(value), value: '' })}>
                            {filterable.map((candidate) => (
                              <SingleSelectOption key={candidate.name} value={candidate.name}>
                                {`${candidate.name} (${candidate.type})`}
                              </SingleSelectOption>
                            ))}
                          </SingleSelect>
                        </Field.Root>
                      </Box>
                      <Box flex="1">
                        <Field.Root>
                          <Field.Label>{t('settings.sources.where.value', 'is')}</Field.Label>
                          {attribute?.type === 'boolean' || attribute?.type === 'enumeration' ? (
                            <SingleSelect value={row.value || null} onChange={(value: string | number) => setWhere(index, { value: String(value) })}>
                              {(attribute.type === 'boolean' ? ['true', 'false'] : attribute.enum ?? []).map((value) => (
                                <SingleSelectOption key={value} value={value}>
                                  {value}
                                </SingleSelectOption>
                              ))}
                            </SingleSelect>
                          ) : (
                            <TextInput value={row.value} onChange={(event: React.ChangeEvent<HTMLInputElement>) => setWhere(index, { value: event.target.value })} />
                          )}
                        </Field.Root>
                      </Box>
                      <IconButton
                        label={t('settings.sources.where.remove', 'Remove this condition')}
                        onClick={() => setForm((current) => ({ ...current, where: current.where.filter((_row, at) => at !== index) }))}
                      >
                        <Trash />
                      </IconButton>
                    </Flex>
                  );
                })}
                <Box>
                  <Button variant="tertiary" startIcon={<Plus />} onClick={() => set('where', [...form.where, { attribute: '', value: '' }])}>
                    {t('settings.sources.where.add', 'Add a condition')}
                  </Button>
                </Box>
              </Flex>
            ) : null}

            {form.kind === 'calendar' && contentType ? (
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" tag="h3">
                  {t('settings.sources.calendar', 'Calendar')}
                </Typography>
                <Grid.Root gap={4}>
                  {cell(
                    4,
                    <PathSelect
                      label={t('settings.sources.groupBy', 'One calendar per')}
                      hint={t('settings.sources.groupBy.hint', 'Splits it into a calendar per value; empty for one calendar')}
                      value={form.groupBy}
                      paths={pathsFor(contentType, GROUP_RULE)}
                      contentType={contentType}
                      onChange={(path) => set('groupBy', path)}
                      t={t}
                    />,
                  )}
                  {cell(
                    4,
                    <Field.Root hint={t('settings.sources.timezone.hint', 'Of time attributes, and the calendar\'s own')}>
                      <Field.Label>{t('settings.sources.timezone', 'Time zone')}</Field.Label>
                      <TimeZoneCombobox value={form.timezone} onChange={(zone) => set('timezone', zone)} />
                      <Field.Hint />
                    </Field.Root>,
                  )}
                  {cell(
                    4,
                    <Field.Root hint={t('settings.sources.color.hint', 'As #rrggbb; empty for the app\'s choice')}>
                      <Field.Label>{t('settings.sources.color', 'Color')}</Field.Label>
                      <Flex gap={2}>
                        <input
                          type="color"
                          aria-label={t('settings.sources.color.pick', 'Pick a color')}
                          value={/^#[0-9a-f]{6}$/i.test(form.color) ? form.color : '#3b82f6'}
                          onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('color', event.target.value)}
                          style={{ width: '4rem', height: '4rem', border: 'none', background: 'none', padding: 0 }}
                        />
                        <TextInput value={form.color} placeholder="#3b82f6" onChange={(event: React.ChangeEvent<HTMLInputElement>) => set('color', event.target.value)} />
                      </Flex>
                      <Field.Hint />
                    </Field.Root>,
                  )}
                </Grid.Root>
              </Flex>
            ) : null}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('workspace.cancel', 'Cancel')}</Button>
          </Modal.Close>
          <Button loading={busy} disabled={busy} onClick={() => onSave(sourceOf(form, contentType))}>
            {t('settings.sources.save', 'Save source')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

interface SourcesSectionProps {
  described: SettingsDescription;
  /** The server's answer after a save: the settings in force. */
  onSaved: (described: SettingsDescription) => void;
}

/** Which source the form edits: one of the list by its position, or a new one. */
type Editing = { index: number } | { index: null };

export function SourcesSection({ described, onSaved }: SourcesSectionProps) {
  const t = useT();
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [options, setOptions] = React.useState<SourceOptions | null>(null);
  const [optionsError, setOptionsError] = React.useState<string | null>(null);
  // Saved sources that are not served, taken into the list to be corrected (not saved until a source is).
  const [correcting, setCorrecting] = React.useState<unknown[] | null>(null);
  const [editing, setEditing] = React.useState<Editing | null>(null);
  const [removing, setRemoving] = React.useState<number | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [formError, setFormError] = React.useState<string | null>(null);
  const [listError, setListError] = React.useState<string | null>(null);

  React.useEffect(() => {
    get<{ data: SourceOptions }>('/caldav/settings/content-types')
      .then((response) => setOptions(response.data.data))
      .catch((error: unknown) => setOptionsError(errorMessage(error)));
    // Loaded once when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const list: unknown[] = correcting ?? described.values.sources;
  const displayName = (uid: string) => options?.contentTypes.find((candidate) => candidate.uid === uid)?.displayName ?? uid;

  /** Saves the whole list; returns whether the server took it. */
  async function saveList(sources: unknown[] | null, report: (message: string) => void): Promise<boolean> {
    setBusy(true);
    try {
      const response = await put<{ data: SettingsDescription }>('/caldav/settings', { sources });
      setCorrecting(null);
      onSaved(response.data.data);
      toggleNotification({ type: 'success', message: t('settings.sources.saved', 'Sources saved; calendar and contacts apps see them at their next sync.') });
      return true;
    } catch (error) {
      report(errorMessage(error));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function saveSource(source: Loose): Promise<void> {
    if (!editing) return;
    setFormError(null);
    const next = editing.index === null ? [...list, source] : list.map((existing, at) => (at === editing.index ? source : existing));
    if (await saveList(next, setFormError)) setEditing(null);
  }

  const rejected = described.rejectedSources;
  const fromFile = !described.saved.includes('sources');

  return (
    <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4}>
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="delta" tag="h2">
              {t('settings.sources.title', 'Content sources')}
            </Typography>
            <Typography variant="pi" textColor="neutral600">
              {t('settings.sources.subtitle', 'Collection types of this site shown, read-only, as calendars and address books.')}
              {fromFile ? ` ${t('settings.sources.fromFile', 'These are the config file\'s; a change here saves the whole list.')}` : ''}
            </Typography>
          </Flex>
          <Flex gap={2}>
            {!fromFile && (
              <Button variant="tertiary" disabled={busy} onClick={() => void saveList(null, setListError)}>
                {t('settings.sources.reset', 'Use the config file\'s sources')}
              </Button>
            )}
            <Button
              startIcon={<Plus />}
              disabled={!options}
              onClick={() => {
                setFormError(null);
                setEditing({ index: null });
              }}
            >
              {t('settings.sources.add', 'Add a source')}
            </Button>
          </Flex>
        </Flex>

        {rejected && !correcting ? (
          <Alert variant="danger" title={t('settings.sources.rejected', 'The sources saved here are not served')} closeLabel={t('workspace.close', 'Close')}>
            <Flex direction="column" alignItems="flex-start" gap={2}>
              <Typography>
                {t('settings.sources.rejected.body', 'They no longer fit the site\'s content types, so the config file\'s are served: {message}', { message: rejected.message })}
              </Typography>
              <Button variant="secondary" onClick={() => setCorrecting(rejected.sources)}>
                {t('settings.sources.rejected.edit', 'Correct the saved sources')}
              </Button>
            </Flex>
          </Alert>
        ) : null}
        {correcting ? (
          <Typography textColor="warning700">{t('settings.sources.correcting', 'The saved sources, not served: saving a source saves this list.')}</Typography>
        ) : null}
        {listError ? (
          <Alert variant="danger" title={t('workspace.error.title', 'Not saved')} closeLabel={t('workspace.close', 'Close')} onClose={() => setListError(null)}>
            {listError}
          </Alert>
        ) : null}
        {optionsError ? <Typography textColor="danger600">{optionsError}</Typography> : null}

        {list.length === 0 ? (
          <Typography textColor="neutral600">{t('settings.sources.none', 'No content sources yet.')}</Typography>
        ) : (
          <Table colCount={7} rowCount={list.length + 1}>
            <Thead>
              <Tr>
                <Th>{t('settings.sources.kind', 'Shown as')}</Th>
                <Th>{t('settings.sources.name', 'Name')}</Th>
                <Th>{t('settings.sources.slug.short', 'Slug')}</Th>
                <Th>{t('settings.sources.contentType', 'Content type')}</Th>
                <Th>{t('settings.sources.visibility', 'Visibility')}</Th>
                <Th>{t('settings.sources.owner', 'Owner')}</Th>
                <Th>{t('settings.sources.actions', 'Actions')}</Th>
              </Tr>
            </Thead>
            <Tbody>
              {list.map((entry, index) => {
                const source = formOf(entry);
                const key = isRecord(entry) && typeof entry.slug === 'string' ? entry.slug : String(index);
                return (
                  <Tr key={`${key}-${index}`}>
                    <Td>
                      <Badge>{source.kind === 'calendar' ? t('settings.sources.kind.calendar', 'Calendar') : t('settings.sources.kind.addressbook', 'Address book')}</Badge>
                    </Td>
                    <Td>
                      <Typography fontWeight="semiBold">{source.name}</Typography>
                    </Td>
                    <Td>
                      <Typography>{source.slug}</Typography>
                    </Td>
                    <Td>
                      <Typography>{displayName(source.contentType)}</Typography>
                    </Td>
                    <Td>
                      <Typography>{source.visibility === 'public' ? t('settings.sources.public', 'Public') : t('settings.sources.private', 'Private')}</Typography>
                    </Td>
                    <Td>
                      <Typography>{source.owner || '—'}</Typography>
                    </Td>
                    <Td>
                      <Flex gap={1}>
                        <IconButton
                          label={t('settings.sources.editOne', 'Edit {name}', { name: source.name || source.slug })}
                          disabled={!options}
                          onClick={() => {
                            setFormError(null);
                            setEditing({ index });
                          }}
                        >
                          <Pencil />
                        </IconButton>
                        <IconButton label={t('settings.sources.removeOne', 'Remove {name}', { name: source.name || source.slug })} disabled={busy} onClick={() => setRemoving(index)}>
                          <Trash />
                        </IconButton>
                      </Flex>
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        {!options && !optionsError ? <Loader small>{t('settings.sources.loading', 'Loading the content types')}</Loader> : null}
      </Flex>

      {editing && options ? (
        <SourceModal
          initial={editing.index === null ? EMPTY_FORM : formOf(list[editing.index])}
          isNew={editing.index === null}
          options={options}
          busy={busy}
          error={formError}
          onDismissError={() => setFormError(null)}
          onSave={(source) => void saveSource(source)}
          onClose={() => setEditing(null)}
          t={t}
        />
      ) : null}

      {removing !== null ? (
        <Dialog.Root open onOpenChange={(open: boolean) => !open && setRemoving(null)}>
          <Dialog.Content>
            <Dialog.Header>{t('settings.sources.remove.title', 'Remove the source "{name}"?', { name: formOf(list[removing]).name })}</Dialog.Header>
            <Dialog.Body>{t('settings.sources.remove.body', 'Its entries stay as they are; calendar and contacts apps remove the calendar or address book at their next sync.')}</Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">{t('workspace.cancel', 'Cancel')}</Button>
              </Dialog.Cancel>
              <Button
                variant="danger"
                onClick={() => {
                  const index = removing;
                  setRemoving(null);
                  setListError(null);
                  void saveList(
                    list.filter((_entry, at) => at !== index),
                    setListError,
                  );
                }}
              >
                {t('settings.sources.remove', 'Remove')}
              </Button>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      ) : null}
    </Box>
  );
}
