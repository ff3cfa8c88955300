import * as React from 'react';
import { Avatar, Box, Button, Field, Flex, Typography } from '@strapi/design-system';
import { Trash, Upload } from '@strapi/icons';

import { errorMessage, mediaUrl, type ContactPhoto as Photo, type ContactsApi } from '../pages/contacts-api';
import type { Translate } from '../pages/translate';

/** Initials for a contact without a photo: the first letters of the first and last word of the name. */
export function initials(name: string | null): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  return (words[0][0] + (words.length > 1 ? words[words.length - 1][0] : '')).toUpperCase();
}

interface ContactPhotoInputProps {
  photo: Photo | null;
  fullName: string | null;
  disabled: boolean;
  api: ContactsApi;
  onChange: (photo: Photo | null) => void;
  t: Translate;
}

/** The contact's photo: an image uploaded to the media library (it becomes the vCard's PHOTO), with a preview. */
export function ContactPhotoInput({ photo, fullName, disabled, api, onChange, t }: ContactPhotoInputProps) {
  const input = React.useRef<HTMLInputElement>(null);
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);

  async function upload(file: File): Promise<void> {
    if (!file.type.startsWith('image/')) {
      setError(t('contacts.photo.notImage', 'Choose an image file (JPEG, PNG, GIF or WebP).'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const uploaded = await api.uploadPhoto(file);
      onChange({ id: uploaded.id, name: uploaded.name, url: uploaded.url, thumbnailUrl: uploaded.formats?.thumbnail?.url ?? uploaded.url });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Field.Root name="photo" error={error ?? undefined}>
      <Field.Label>{t('contacts.field.photo', 'Photo')}</Field.Label>
      <Flex gap={4} alignItems="center">
        <Box
          width="8rem"
          height="8rem"
          hasRadius
          background="neutral150"
          flex="none"
          style={{ overflow: 'hidden', display: 'flex', alignItems: 'center', justifyContent: 'center' }}
        >
          {photo ? (
            <img src={mediaUrl(photo.thumbnailUrl)} alt={photo.name} style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
          ) : (
            <Typography variant="alpha" textColor="neutral500">
              {initials(fullName)}
            </Typography>
          )}
        </Box>
        <Flex direction="column" alignItems="flex-start" gap={2}>
          <input
            ref={input}
            type="file"
            accept="image/*"
            hidden
            aria-label={t('contacts.photo.choose', 'Upload an image')}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void upload(file);
            }}
          />
          <Button variant="secondary" startIcon={<Upload />} disabled={disabled || busy} loading={busy} onClick={() => input.current?.click()}>
            {photo ? t('contacts.photo.replace', 'Replace image') : t('contacts.photo.choose', 'Upload an image')}
          </Button>
          {photo && (
            <Button variant="tertiary" startIcon={<Trash />} disabled={disabled || busy} onClick={() => onChange(null)}>
              {t('contacts.photo.remove', 'Remove photo')}
            </Button>
          )}
          <Typography variant="pi" textColor="neutral600">
            {t('contacts.photo.hint', 'Stored in the media library; contacts apps get it inside the vCard.')}
          </Typography>
        </Flex>
      </Flex>
      <Field.Error />
    </Field.Root>
  );
}

/** The list's small round picture: the photo's thumbnail, or the initials. */
export function ContactAvatar({ url, name }: { url: string | null; name: string | null }) {
  return <Avatar.Item src={url ? mediaUrl(url) : undefined} alt={name ?? ''} fallback={initials(name)} delayMs={0} />;
}
