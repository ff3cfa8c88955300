import * as React from 'react';
import { Alert, Box, Button, Dialog, Field, Flex, Grid, Modal, Textarea, TextInput } from '@strapi/design-system';

import {
  errorMessage,
  isConflict,
  type ContactDetail,
  type ContactInput,
  type ContactPhoto,
  type ContactsApi,
  type PostalAddress,
  type StructuredName,
  type TypedValue,
} from '../pages/contacts-api';
import type { Translate } from '../pages/translate';
import { ContactPhotoInput } from './ContactPhoto';
import { StructuredInput } from './StructuredInput';

export type EditorTarget = { kind: 'new'; book: string } | { kind: 'edit'; contact: ContactDetail };

export interface ContactPermissions {
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}

interface ContactEditorProps {
  target: EditorTarget;
  api: ContactsApi;
  allowed: ContactPermissions;
  /** The write went through: close and reload, telling the editor. */
  onDone: (message: string) => void;
  /** A contacts app changed the contact meanwhile: close, reload and say so. */
  onConflict: (message: string) => void;
  onClose: () => void;
  t: Translate;
}

interface Form {
  fullName: string;
  name: StructuredName | null;
  organization: string;
  title: string;
  emails: TypedValue[] | null;
  phones: TypedValue[] | null;
  addresses: PostalAddress[] | null;
  birthday: string;
  url: string;
  note: string;
  photo: ContactPhoto | null;
}

function formOf(contact: ContactDetail | null): Form {
  return {
    fullName: contact?.fullName ?? '',
    name: contact?.name ?? null,
    organization: contact?.organization ?? '',
    title: contact?.title ?? '',
    emails: contact?.emails ?? null,
    phones: contact?.phones ?? null,
    addresses: contact?.addresses ?? null,
    birthday: contact?.birthday ?? '',
    url: contact?.url ?? '',
    note: contact?.note ?? '',
    photo: contact?.photo ?? null,
  };
}

/** The full name the name parts make, in the usual order ("Dr. Ada King Lovelace"). */
function joinedName(name: StructuredName | null): string {
  if (!name) return '';
  return [name.prefix, name.given, name.additional, name.family, name.suffix].filter((part) => part && part.trim() !== '').join(' ');
}

/** Rows the editor added but left empty are dropped rather than refused. */
const filled = <T extends object>(entries: T[] | null, has: (entry: T) => boolean): T[] | null => {
  const kept = (entries ?? []).filter(has);
  return kept.length > 0 ? kept : null;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const orNull = (value: string) => (value.trim() === '' ? null : value);

/** The form as the API takes it; empty text is null, as the server stores it. */
function valuesOf(form: Form): Required<ContactInput> {
  return {
    fullName: orNull(form.fullName.trim()),
    name: form.name,
    organization: orNull(form.organization),
    title: orNull(form.title),
    emails: filled(form.emails, (entry) => typeof entry.value === 'string' && entry.value.trim() !== ''),
    phones: filled(form.phones, (entry) => typeof entry.value === 'string' && entry.value.trim() !== ''),
    addresses: filled(form.addresses, (entry) => Object.entries(entry).some(([key, part]) => key !== 'type' && typeof part === 'string' && part.trim() !== '')),
    birthday: orNull(form.birthday),
    url: orNull(form.url),
    note: orNull(form.note),
    photo: form.photo?.id ?? null,
  };
}

/** A card editor for the vCard fields the plugin maps; what else a contacts app wrote stays in the vCard untouched. */
export function ContactEditor({ target, api, allowed, onDone, onConflict, onClose, t }: ContactEditorProps) {
  const contact = target.kind === 'edit' ? target.contact : null;
  const [form, setForm] = React.useState<Form>(() => formOf(contact));
  // A new contact's full name follows the name parts until the editor types one of their own.
  const [fullNameTouched, setFullNameTouched] = React.useState(contact !== null);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const [confirmDelete, setConfirmDelete] = React.useState(false);
  const editable = contact ? allowed.canUpdate : allowed.canCreate;

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));
  const text = (key: 'fullName' | 'organization' | 'title' | 'birthday' | 'url') => (event: React.ChangeEvent<HTMLInputElement>) => {
    if (key === 'fullName') setFullNameTouched(true);
    set(key, event.target.value);
  };

  function setName(name: StructuredName | null): void {
    setForm((current) => ({ ...current, name, ...(fullNameTouched ? {} : { fullName: joinedName(name) }) }));
  }

  /** The fields to send: all of them for a new contact, only the changed ones for an edit. */
  function input(): ContactInput {
    const values = valuesOf(form);
    if (!contact) return values;
    const before = valuesOf(formOf(contact));
    const changed: Record<string, unknown> = {};
    for (const key of Object.keys(values) as Array<keyof ContactInput>) if (!same(values[key], before[key])) changed[key] = values[key];
    return changed as ContactInput;
  }

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

  function save(): void {
    if (form.fullName.trim() === '') {
      setError(t('contacts.error.fullName', 'Give the contact a full name: it is the name contacts apps show.'));
      return;
    }
    const fields = input();
    if (target.kind === 'new') void run(() => api.create(target.book, fields), t('contacts.saved', 'Saved'));
    else void run(() => api.update(target.contact.documentId, { ...fields, etag: target.contact.etag ?? '' }), t('contacts.saved', 'Saved'));
  }

  const structured = (name: 'name' | 'emails' | 'phones' | 'addresses', kind: 'name' | 'email' | 'phone' | 'address', label: string) => (
    <StructuredInput
      name={name}
      label={label}
      disabled={!editable}
      attribute={{ options: { kind } }}
      value={form[name]}
      onChange={(_, value) => (name === 'name' ? setName(value as StructuredName | null) : set(name, value as never))}
    />
  );

  return (
    <>
      <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
        <Modal.Content aria-label={t('contacts.editor.label', 'Contact')} style={{ maxWidth: '84rem', width: '90vw' }}>
          <Modal.Header>
            <Modal.Title>{contact ? contact.fullName ?? t('contacts.editor.edit', 'Edit contact') : t('contacts.editor.new', 'New contact')}</Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              {error && (
                <Alert variant="danger" closeLabel={t('contacts.close', 'Close')} onClose={() => setError(null)} title={t('contacts.error.title', 'Not saved')}>
                  {error}
                </Alert>
              )}
              <ContactPhotoInput photo={form.photo} fullName={form.fullName} disabled={!editable} api={api} onChange={(photo) => set('photo', photo)} t={t} />
              {structured('name', 'name', t('contacts.field.name', 'Name (prefix, given, additional, family, suffix)'))}
              <Field.Root name="fullName" required hint={t('contacts.field.fullNameHint', 'The name contacts apps show.')}>
                <Field.Label>{t('contacts.field.fullName', 'Full name')}</Field.Label>
                <TextInput value={form.fullName} disabled={!editable} onChange={text('fullName')} />
                <Field.Hint />
              </Field.Root>
              <Grid.Root gap={4}>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="organization">
                    <Field.Label>{t('contacts.field.organization', 'Organization')}</Field.Label>
                    <TextInput value={form.organization} disabled={!editable} onChange={text('organization')} />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="title">
                    <Field.Label>{t('contacts.field.title', 'Job title')}</Field.Label>
                    <TextInput value={form.title} disabled={!editable} onChange={text('title')} />
                  </Field.Root>
                </Grid.Item>
              </Grid.Root>
              {structured('emails', 'email', t('contacts.field.emails', 'Email addresses'))}
              {structured('phones', 'phone', t('contacts.field.phones', 'Phone numbers'))}
              {structured('addresses', 'address', t('contacts.field.addresses', 'Postal addresses'))}
              <Grid.Root gap={4}>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="birthday">
                    <Field.Label>{t('contacts.field.birthday', 'Birthday')}</Field.Label>
                    <TextInput type="date" value={form.birthday} disabled={!editable} onChange={text('birthday')} />
                  </Field.Root>
                </Grid.Item>
                <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                  <Field.Root name="url">
                    <Field.Label>{t('contacts.field.url', 'Website')}</Field.Label>
                    <TextInput type="url" placeholder="https://" value={form.url} disabled={!editable} onChange={text('url')} />
                  </Field.Root>
                </Grid.Item>
              </Grid.Root>
              <Field.Root name="note">
                <Field.Label>{t('contacts.field.note', 'Note')}</Field.Label>
                <Textarea value={form.note} disabled={!editable} onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => set('note', event.target.value)} />
              </Field.Root>
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Flex gap={2}>
              <Modal.Close>
                <Button variant="tertiary">{t('contacts.cancel', 'Cancel')}</Button>
              </Modal.Close>
              {contact && allowed.canDelete && (
                <Button variant="danger-light" disabled={busy} onClick={() => setConfirmDelete(true)}>
                  {t('contacts.delete', 'Delete')}
                </Button>
              )}
            </Flex>
            {editable && (
              <Box>
                <Button disabled={busy} loading={busy} onClick={save}>
                  {t('contacts.save', 'Save')}
                </Button>
              </Box>
            )}
          </Modal.Footer>
        </Modal.Content>
      </Modal.Root>
      {confirmDelete && contact && (
        <Dialog.Root open onOpenChange={(open: boolean) => !open && setConfirmDelete(false)}>
          <Dialog.Content>
            <Dialog.Header>{t('contacts.delete.title', 'Delete this contact?')}</Dialog.Header>
            <Dialog.Body>{t('contacts.delete.body', 'Contacts apps remove it at their next sync.')}</Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">{t('contacts.cancel', 'Cancel')}</Button>
              </Dialog.Cancel>
              <Button
                variant="danger"
                onClick={() => {
                  setConfirmDelete(false);
                  void run(() => api.remove(contact.documentId, contact.etag), t('contacts.deleted', 'Deleted'));
                }}
              >
                {t('contacts.delete', 'Delete')}
              </Button>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      )}
    </>
  );
}
