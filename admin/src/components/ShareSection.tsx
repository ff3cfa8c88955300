import * as React from 'react';
import { Box, Button, Combobox, ComboboxOption, Field, Flex, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';

import type { Translate } from '../pages/translate';
import { errorMessage } from '../pages/workspace-api';
import type { CalendarAdminApi, CalendarDetails, ShareAccess, SharingCandidates } from './CalendarAdminApi';

interface ShareSectionProps {
  calendar: CalendarDetails;
  api: CalendarAdminApi;
  canUpdate: boolean;
  onChanged: (calendar: CalendarDetails) => void;
  t: Translate;
}

/** Picker values: "user:<documentId>" or "role:<documentId>". */
type Pick = `user:${string}` | `role:${string}`;

/** The users and roles matching what the editor typed, fetched as they type (the newest answer wins). */
export function useSharingCandidates(api: CalendarAdminApi, text: string, enabled: boolean): SharingCandidates {
  const [found, setFound] = React.useState<SharingCandidates>({ users: [], roles: [] });
  React.useEffect(() => {
    if (!enabled) return undefined;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api.candidates(text, controller.signal).then(setFound, () => undefined);
    }, 200);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [api, text, enabled]);
  return found;
}

/** Who else may read or change the calendar: each share with its access, and a picker to add a user or a role. */
export function ShareSection({ calendar, api, canUpdate, onChanged, t }: ShareSectionProps) {
  const [text, setText] = React.useState('');
  const [picked, setPicked] = React.useState<Pick | null>(null);
  const [access, setAccess] = React.useState<ShareAccess>('read');
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const candidates = useSharingCandidates(api, text, canUpdate);

  const accessLabel = (value: ShareAccess) => (value === 'read' ? t('calendarPanel.share.read', 'Can read') : t('calendarPanel.share.readWrite', 'Can read and change events'));

  async function run(action: () => Promise<CalendarDetails>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      onChanged(await action());
      return true;
    } catch (failure) {
      setError(errorMessage(failure));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add(): Promise<void> {
    if (!picked) return;
    const [kind, documentId] = picked.split(':') as ['user' | 'role', string];
    const done = await run(() => api.addShare(calendar.documentId, kind === 'user' ? { user: documentId } : { role: documentId }, access));
    if (done) {
      setPicked(null);
      setText('');
    }
  }

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Typography textColor="neutral600">
        {t('calendarPanel.share.intro', 'The calendar appears in each sharee\'s own calendar app, next to their calendars. A role shares it with every user of that role.')}
      </Typography>
      {calendar.shares.length === 0 ? (
        <Typography textColor="neutral600">{t('calendarPanel.share.none', 'Not shared with anyone.')}</Typography>
      ) : (
        <Flex direction="column" alignItems="stretch" gap={2} tag="ul" aria-label={t('calendarPanel.share.list', 'Shares')}>
          {calendar.shares.map((share) => (
            <Flex key={share.documentId} tag="li" gap={3} justifyContent="space-between">
              <Box>
                <Typography fontWeight="semiBold">{share.user ? share.user.username : t('calendarPanel.share.role', 'Role: {name}', { name: share.role?.name ?? '' })}</Typography>
                {share.user?.email && (
                  <Typography variant="pi" textColor="neutral600" tag="div">
                    {share.user.email}
                  </Typography>
                )}
              </Box>
              <Flex gap={2}>
                <Box width="240px">
                  <SingleSelect
                    aria-label={t('calendarPanel.share.access', 'Access')}
                    value={share.access}
                    disabled={!canUpdate || busy}
                    onChange={(value: string | number) => void run(() => api.updateShare(share.documentId, value as ShareAccess))}
                  >
                    <SingleSelectOption value="read">{accessLabel('read')}</SingleSelectOption>
                    <SingleSelectOption value="read-write">{accessLabel('read-write')}</SingleSelectOption>
                  </SingleSelect>
                </Box>
                {canUpdate && (
                  <IconButton
                    label={t('calendarPanel.share.remove', 'Stop sharing with {name}', { name: share.user?.username ?? share.role?.name ?? '' })}
                    variant="ghost"
                    disabled={busy}
                    onClick={() => void run(() => api.removeShare(share.documentId))}
                  >
                    <Trash />
                  </IconButton>
                )}
              </Flex>
            </Flex>
          ))}
        </Flex>
      )}
      {canUpdate && (
        <Flex gap={2} alignItems="flex-end">
          <Box flex="1">
            <Field.Root name="share-with">
              <Field.Label>{t('calendarPanel.share.with', 'Share with')}</Field.Label>
              <Combobox
                value={picked ?? undefined}
                textValue={text}
                onTextValueChange={setText}
                placeholder={t('calendarPanel.share.search', 'Search a user or a role')}
                autocomplete="none"
                onChange={(value?: string) => setPicked((value as Pick | undefined) ?? null)}
              >
                {candidates.users.map((user) => (
                  <ComboboxOption key={`user:${user.documentId}`} value={`user:${user.documentId}`} textValue={user.username}>
                    {user.email ? `${user.username} (${user.email})` : user.username}
                  </ComboboxOption>
                ))}
                {candidates.roles.map((role) => (
                  <ComboboxOption key={`role:${role.documentId}`} value={`role:${role.documentId}`} textValue={role.name}>
                    {t('calendarPanel.share.role', 'Role: {name}', { name: role.name })}
                  </ComboboxOption>
                ))}
              </Combobox>
            </Field.Root>
          </Box>
          <Box width="240px">
            <SingleSelect aria-label={t('calendarPanel.share.access', 'Access')} value={access} onChange={(value: string | number) => setAccess(value as ShareAccess)}>
              <SingleSelectOption value="read">{accessLabel('read')}</SingleSelectOption>
              <SingleSelectOption value="read-write">{accessLabel('read-write')}</SingleSelectOption>
            </SingleSelect>
          </Box>
          <Button disabled={!picked || busy} loading={busy} onClick={() => void add()}>
            {t('calendarPanel.share.add', 'Share')}
          </Button>
        </Flex>
      )}
      {error && <Typography textColor="danger600">{error}</Typography>}
    </Flex>
  );
}
