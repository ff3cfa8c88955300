import * as React from 'react';
import { Box, Button, Field, Flex, Grid, Loader, NumberInput, TextInput, Typography } from '@strapi/design-system';
import { Layouts, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import type { EditableSettings, SettingsDescription } from '../../../server/src/config/settings';
import { PLUGIN_ID } from '../pluginId';
import { SourcesSection } from './settings/SourcesSection';

/**
 * The plugin's settings page: values saved here apply over the site's config file at once (see
 * server/src/config/settings.ts); where the plugin is mounted stays in the config file and is shown read-only.
 * Content sources have a section of their own, saved source by source (settings/SourcesSection.tsx).
 */

type Described = SettingsDescription;

/** The error message of a failed admin request, as the server wrote it. */
function messageOf(error: unknown): string {
  const response = (error as { response?: { data?: { error?: { message?: unknown } } } }).response;
  const message = response?.data?.error?.message;
  return typeof message === 'string' ? message : error instanceof Error ? error.message : String(error);
}

interface NumberFieldProps {
  label: string;
  hint: string;
  value: number | null;
  /** Whether an empty field means "no limit" (null) rather than a missing value. */
  optional?: boolean;
  onChange: (value: number | null) => void;
}

function NumberField({ label, hint, value, optional, onChange }: NumberFieldProps) {
  return (
    <Field.Root hint={hint}>
      <Field.Label>{label}</Field.Label>
      <NumberInput
        value={value ?? undefined}
        onValueChange={(next: number | undefined) => onChange(next === undefined ? (optional ? null : 0) : next)}
      />
      <Field.Hint />
    </Field.Root>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Typography variant="delta" tag="h2">
          {title}
        </Typography>
        <Grid.Root gap={4}>{children}</Grid.Root>
      </Flex>
    </Box>
  );
}

function Cell({ col, children }: { col: number; children: React.ReactNode }) {
  return (
    <Grid.Item col={col} s={12} direction="column" alignItems="stretch">
      {children}
    </Grid.Item>
  );
}

function FixedField({ label, value }: { label: string; value: string }) {
  return (
    <Field.Root>
      <Field.Label>{label}</Field.Label>
      <TextInput value={value} disabled />
    </Field.Root>
  );
}

export default function SettingsPage() {
  const { formatMessage } = useIntl();
  const t = (id: string, defaultMessage: string) => formatMessage({ id: `${PLUGIN_ID}.settings.${id}`, defaultMessage });
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [described, setDescribed] = React.useState<Described | null>(null);
  const [draft, setDraft] = React.useState<EditableSettings | null>(null);
  const [saving, setSaving] = React.useState(false);
  const [problem, setProblem] = React.useState<string | null>(null);

  const show = (next: Described) => {
    setDescribed(next);
    setDraft(next.values);
  };

  React.useEffect(() => {
    get<{ data: Described }>('/caldav/settings')
      .then((response) => show(response.data.data))
      .catch((error: unknown) => setProblem(messageOf(error)));
    // Loaded once when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function save(changes: Partial<Record<keyof EditableSettings, unknown>>) {
    setSaving(true);
    setProblem(null);
    try {
      const response = await put<{ data: Described }>('/caldav/settings', changes);
      show(response.data.data);
      toggleNotification({
        type: 'success',
        message: t('saved', 'Settings saved; they apply now.'),
      });
    } catch (error) {
      setProblem(messageOf(error));
    } finally {
      setSaving(false);
    }
  }

  if (!described || !draft) {
    return (
      <Layouts.Root>
        <Layouts.Header title={t('title', 'CalDAV & CardDAV')} />
        <Layouts.Content>{problem ? <Typography textColor="danger600">{problem}</Typography> : <Loader />}</Layouts.Content>
      </Layouts.Root>
    );
  }

  // Content sources are saved by their own section; Save and the reset are for the other settings.
  const { sources: _sources, ...others } = draft;
  const setFeeds = (part: Partial<EditableSettings['feeds']>) => setDraft({ ...draft, feeds: { ...draft.feeds, ...part } });
  const setThrottle = (part: Partial<EditableSettings['loginThrottle']>) =>
    setDraft({ ...draft, loginThrottle: { ...draft.loginThrottle, ...part } });
  const savedOthers = described.saved.filter((key) => key !== 'sources');
  const resetAll = Object.fromEntries(savedOthers.map((key) => [key, null]));

  return (
    <Layouts.Root>
      <Layouts.Header
        title={t('title', 'CalDAV & CardDAV')}
        subtitle={t('subtitle', 'Saved values apply at once and take precedence over config/plugins.')}
        primaryAction={
          <Button loading={saving} onClick={() => save(others)}>
            {t('save', 'Save')}
          </Button>
        }
        secondaryAction={
          savedOthers.length > 0 ? (
            <Button variant="tertiary" disabled={saving} onClick={() => save(resetAll)}>
              {t('reset', 'Use the config file values')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {problem ? (
            <Box padding={4} background="danger100" hasRadius>
              <Typography textColor="danger700">{problem}</Typography>
            </Box>
          ) : null}

          <Section title={t('feeds', 'Calendar feeds')}>
            <Cell col={4}>
              <NumberField
                label={t('pastDays', 'Past days')}
                hint={t('pastDays.hint', 'Leave out events that ended longer ago; empty keeps all')}
                value={draft.feeds.pastDays}
                optional
                onChange={(pastDays) => setFeeds({ pastDays })}
              />
            </Cell>
            <Cell col={4}>
              <NumberField
                label={t('futureDays', 'Future days')}
                hint={t('futureDays.hint', 'Leave out events that start later; empty keeps all')}
                value={draft.feeds.futureDays}
                optional
                onChange={(futureDays) => setFeeds({ futureDays })}
              />
            </Cell>
            <Cell col={4}>
              <NumberField
                label={t('refreshMinutes', 'Refresh every (minutes)')}
                hint={t('refreshMinutes.hint', 'How often subscribers are asked to reload (5 to 10080)')}
                value={draft.feeds.refreshMinutes}
                onChange={(refreshMinutes) => setFeeds({ refreshMinutes: refreshMinutes ?? 0 })}
              />
            </Cell>
          </Section>

          <Section title={t('calendars', 'Calendars')}>
            <Cell col={6}>
              <Field.Root hint={t('defaultTimezone.hint', 'Given to new calendars that have none, e.g. Europe/Berlin; empty for none')}>
                <Field.Label>{t('defaultTimezone', 'Default time zone')}</Field.Label>
                <TextInput
                  value={draft.defaultTimezone ?? ''}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
                    setDraft({ ...draft, defaultTimezone: event.target.value.trim() === '' ? null : event.target.value.trim() })
                  }
                />
                <Field.Hint />
              </Field.Root>
            </Cell>
          </Section>

          <SourcesSection
            described={described}
            onSaved={(next) => {
              setDescribed(next);
              setDraft((current) => (current ? { ...current, sources: next.values.sources } : next.values));
            }}
          />

          <Section title={t('limits', 'Limits and retention')}>
            <Cell col={6}>
              <NumberField
                label={t('maxResourceSize', 'Largest event or contact (bytes)')}
                hint={t('maxResourceSize.hint', 'From 1024 to 104857600')}
                value={draft.maxResourceSize}
                onChange={(maxResourceSize) => setDraft({ ...draft, maxResourceSize: maxResourceSize ?? 0 })}
              />
            </Cell>
            <Cell col={6}>
              <NumberField
                label={t('syncRetentionDays', 'Keep changes for sync (days)')}
                hint={t('syncRetentionDays.hint', 'Apps that last synced longer ago sync from the start')}
                value={draft.syncRetentionDays}
                onChange={(syncRetentionDays) =>
                  setDraft({
                    ...draft,
                    syncRetentionDays: syncRetentionDays ?? 0,
                  })
                }
              />
            </Cell>
          </Section>

          <Section title={t('throttle', 'Failed sign-ins')}>
            <Cell col={4}>
              <NumberField
                label={t('perAccount', 'Per account')}
                hint={t('perAccount.hint', 'Failures before an account must wait')}
                value={draft.loginThrottle.maxFailuresPerAccount}
                onChange={(value) => setThrottle({ maxFailuresPerAccount: value ?? 0 })}
              />
            </Cell>
            <Cell col={4}>
              <NumberField
                label={t('perAddress', 'Per client address')}
                hint={t('perAddress.hint', 'Failures before an address must wait')}
                value={draft.loginThrottle.maxFailuresPerAddress}
                onChange={(value) => setThrottle({ maxFailuresPerAddress: value ?? 0 })}
              />
            </Cell>
            <Cell col={4}>
              <NumberField
                label={t('windowSeconds', 'Window (seconds)')}
                hint={t('windowSeconds.hint', 'How long failures are counted')}
                value={draft.loginThrottle.windowSeconds}
                onChange={(value) => setThrottle({ windowSeconds: value ?? 0 })}
              />
            </Cell>
          </Section>

          <Section title={t('fixed', 'Set in config/plugins (restart to change)')}>
            <Cell col={4}>
              <FixedField label={t('basePath', 'DAV base path')} value={described.fixed.basePath} />
            </Cell>
            <Cell col={4}>
              <FixedField label={t('realm', 'Sign-in realm')} value={described.fixed.realm} />
            </Cell>
            <Cell col={4}>
              <FixedField
                label={t('wellKnown', 'Well-known redirects')}
                value={described.fixed.wellKnown ? t('on', 'On') : t('off', 'Off')}
              />
            </Cell>
          </Section>
        </Flex>
      </Layouts.Content>
    </Layouts.Root>
  );
}
