import * as React from 'react';
import { Box, Button, Dialog, Field, Flex, IconButton, TextInput, Typography } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { QRCodeSVG } from 'qrcode.react';

import type { Translate } from '../pages/translate';
import { errorMessage } from '../pages/workspace-api';
import type { CalendarAdminApi, CalendarDetails } from './CalendarAdminApi';

interface CalendarLinksProps {
  calendar: CalendarDetails;
  api: CalendarAdminApi;
  canUpdate: boolean;
  onChanged: (calendar: CalendarDetails) => void;
  t: Translate;
}

/** Copies with the Clipboard API where the page may use it, else through a selected text field (plain http sites). */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.appendChild(field);
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  if (!copied) throw new Error('copy refused');
}

function LinkField({ label, value, hint, t }: { label: string; value: string; hint?: string; t: Translate }) {
  const { toggleNotification } = useNotification();
  const copy = () =>
    copyText(value).then(
      () => toggleNotification({ type: 'success', message: t('calendarPanel.links.copied', 'Copied') }),
      () => toggleNotification({ type: 'warning', message: t('calendarPanel.links.copyFailed', 'The browser refused to copy; select the link and copy it yourself.') }),
    );
  return (
    <Field.Root name={label} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <TextInput
        value={value}
        readOnly
        onFocus={(event: React.FocusEvent<HTMLInputElement>) => event.target.select()}
        endAction={
          <IconButton label={t('calendarPanel.links.copy', 'Copy {label}', { label })} variant="ghost" withTooltip={false} onClick={() => void copy()}>
            <Duplicate />
          </IconButton>
        }
      />
      {hint && <Field.Hint />}
    </Field.Root>
  );
}

/** The calendar's addresses for apps, a QR code for phones, how each app subscribes, and the secret link. */
export function CalendarLinks({ calendar, api, canUpdate, onChanged, t }: CalendarLinksProps) {
  const { links } = calendar;
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = React.useState(false);
  // A phone subscribes through the webcal link (its calendar app opens it); the public feed when there is one.
  const qrLink = links.publicWebcalUrl ?? links.privateWebcalUrl;

  async function run(action: () => Promise<CalendarDetails>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      onChanged(await action());
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Flex direction="column" alignItems="stretch" gap={5}>
      {links.caldavUrl ? (
        <LinkField
          label={t('calendarPanel.links.caldav', 'CalDAV URL')}
          value={links.caldavUrl}
          hint={t('calendarPanel.links.caldavHint', 'For the owner and the people it is shared with: they sign in with their username and password (or an app password).')}
          t={t}
        />
      ) : (
        <Typography textColor="neutral600">{t('calendarPanel.links.noOwner', 'This calendar has no owner, so it has no CalDAV URL of its own; give it an owner.')}</Typography>
      )}

      <Flex direction="column" alignItems="stretch" gap={3}>
        <Typography variant="delta" tag="h3">
          {t('calendarPanel.links.feeds', 'Subscription links')}
        </Typography>
        {links.publicFeedUrl && links.publicWebcalUrl ? (
          <>
            <LinkField label={t('calendarPanel.links.publicWebcal', 'Public link (webcal)')} value={links.publicWebcalUrl} t={t} />
            <LinkField label={t('calendarPanel.links.publicHttps', 'Public link (https)')} value={links.publicFeedUrl} t={t} />
          </>
        ) : (
          <Typography textColor="neutral600">{t('calendarPanel.links.notPublic', 'The calendar is private: it has no public link. Make it public, or use a secret link.')}</Typography>
        )}
        {links.privateFeedUrl && links.privateWebcalUrl ? (
          <>
            <LinkField
              label={t('calendarPanel.links.secretWebcal', 'Secret link (webcal)')}
              value={links.privateWebcalUrl}
              hint={t('calendarPanel.links.secretHint', 'Anyone who has this link can read the calendar, without an account.')}
              t={t}
            />
            <LinkField label={t('calendarPanel.links.secretHttps', 'Secret link (https)')} value={links.privateFeedUrl} t={t} />
          </>
        ) : (
          <Typography textColor="neutral600">{t('calendarPanel.links.noSecret', 'No secret link.')}</Typography>
        )}
        {canUpdate && (
          <Flex gap={2}>
            <Button variant="secondary" disabled={busy} onClick={() => void run(() => api.createFeedToken(calendar.documentId))}>
              {links.privateFeedUrl ? t('calendarPanel.links.regenerate', 'Replace the secret link') : t('calendarPanel.links.createSecret', 'Create a secret link')}
            </Button>
            {links.privateFeedUrl && (
              <Button variant="danger-light" disabled={busy} onClick={() => setConfirmRemove(true)}>
                {t('calendarPanel.links.removeSecret', 'Remove the secret link')}
              </Button>
            )}
          </Flex>
        )}
        {error && <Typography textColor="danger600">{error}</Typography>}
      </Flex>

      {qrLink && (
        <Flex gap={4} alignItems="flex-start">
          <Box padding={2} background="neutral0" hasRadius borderColor="neutral200" role="img" aria-label={t('calendarPanel.links.qr', 'QR code of the subscription link')}>
            <QRCodeSVG value={qrLink} size={144} marginSize={2} data-testid="calendar-qr" />
          </Box>
          <Typography variant="pi" textColor="neutral600">
            {t('calendarPanel.links.qrHint', 'Scan with a phone\'s camera to subscribe in its calendar app.')}
          </Typography>
        </Flex>
      )}

      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="delta" tag="h3">
          {t('calendarPanel.howto.title', 'Adding it to an app')}
        </Typography>
        <Typography variant="omega">
          <b>Apple Calendar</b>:{' '}
          {t('calendarPanel.howto.apple', 'File → New Calendar Subscription, paste the subscription link. To edit events, add a CalDAV account instead (Settings → Accounts → Add Account → Other → CalDAV) with the CalDAV URL.')}
        </Typography>
        <Typography variant="omega">
          <b>Google Calendar</b>: {t('calendarPanel.howto.google', 'Other calendars → + → From URL, paste the https link (Google reads it every few hours).')}
        </Typography>
        <Typography variant="omega">
          <b>Outlook</b>: {t('calendarPanel.howto.outlook', 'Add calendar → Subscribe from web, paste the https link.')}
        </Typography>
        <Typography variant="omega">
          <b>Thunderbird</b>: {t('calendarPanel.howto.thunderbird', 'New Calendar → On the Network, paste the CalDAV URL (to edit) or the https link (to read).')}
        </Typography>
      </Flex>

      {confirmRemove && (
        <Dialog.Root open onOpenChange={(open: boolean) => !open && setConfirmRemove(false)}>
          <Dialog.Content>
            <Dialog.Header>{t('calendarPanel.links.removeTitle', 'Remove the secret link?')}</Dialog.Header>
            <Dialog.Body>{t('calendarPanel.links.removeBody', 'Apps subscribed through it stop getting updates at once.')}</Dialog.Body>
            <Dialog.Footer>
              <Dialog.Cancel>
                <Button variant="tertiary">{t('workspace.cancel', 'Cancel')}</Button>
              </Dialog.Cancel>
              <Button
                variant="danger"
                onClick={() => {
                  setConfirmRemove(false);
                  void run(() => api.deleteFeedToken(calendar.documentId));
                }}
              >
                {t('calendarPanel.links.removeSecret', 'Remove the secret link')}
              </Button>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Root>
      )}
    </Flex>
  );
}
