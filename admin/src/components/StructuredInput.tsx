import * as React from 'react';
import { Box, Button, Field, Flex, Grid, IconButton, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { PLUGIN_ID } from '../pluginId';

/**
 * The Content Manager input for the plugin's `structured` custom field: a JSON value whose shape depends on the
 * attribute's `options.kind` (see server/src/content-types/structured-values.ts, which validates it on save).
 */

type Kind = 'text' | 'datetime' | 'email' | 'phone' | 'address' | 'name';
type Entry = Record<string, string>;

const addressParts = ['street', 'extended', 'poBox', 'locality', 'region', 'postalCode', 'country'] as const;
const nameParts = ['prefix', 'given', 'additional', 'family', 'suffix'] as const;
const typeChoices: Record<'email' | 'phone' | 'address', string[]> = {
  email: ['home', 'work', 'other'],
  phone: ['cell', 'home', 'work', 'main', 'fax', 'pager', 'other'],
  address: ['home', 'work', 'other'],
};

interface StructuredInputProps {
  name: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  error?: string;
  required?: boolean;
  disabled?: boolean;
  attribute: { options?: { kind?: Kind } };
  value: unknown;
  onChange: (name: string, value: unknown) => void;
}

const asEntries = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asRecord = (value: unknown): Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Entry) : {};

/** Drops empty strings so that a cleared part is absent rather than "". */
function compact(entry: Entry): Entry {
  return Object.fromEntries(Object.entries(entry).filter(([, part]) => part !== ''));
}

export const StructuredInput = React.forwardRef<HTMLDivElement, StructuredInputProps>(function StructuredInput(
  { name, label, hint, error, required, disabled, attribute, value, onChange },
  ref,
) {
  const { formatMessage } = useIntl();
  const t = (id: string) => formatMessage({ id: `${PLUGIN_ID}.structured.${id}`, defaultMessage: id });
  const kind: Kind = attribute.options?.kind ?? 'text';
  const emit = (next: unknown) => onChange(name, next);

  let body: React.ReactNode;
  if (kind === 'name') {
    const record = asRecord(value);
    body = (
      <Grid.Root gap={2}>
        {nameParts.map((part) => (
          <Grid.Item key={part} col={4} s={12} direction="column" alignItems="stretch">
            <TextInput
              aria-label={t(`part.${part}`)}
              placeholder={t(`part.${part}`)}
              disabled={disabled}
              value={record[part] ?? ''}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
                const next = compact({ ...record, [part]: event.target.value });
                emit(Object.keys(next).length > 0 ? next : null);
              }}
            />
          </Grid.Item>
        ))}
      </Grid.Root>
    );
  } else {
    const entries = asEntries(value);
    const update = (index: number, entry: unknown) => emit(entries.map((current, i) => (i === index ? entry : current)));
    const remove = (index: number) => {
      const next = entries.filter((_, i) => i !== index);
      emit(next.length > 0 ? next : null);
    };
    const blank = kind === 'text' || kind === 'datetime' ? '' : kind === 'address' ? { type: 'home' } : { type: typeChoices[kind][0], value: '' };

    body = (
      <Flex direction="column" alignItems="stretch" gap={2}>
        {entries.length === 0 && (
          <Typography variant="pi" textColor="neutral600">
            {t('empty')}
          </Typography>
        )}
        {entries.map((entry, index) => (
          <Flex key={index} gap={2} alignItems="flex-start">
            <Box flex="1">
              {kind === 'text' || kind === 'datetime' ? (
                <TextInput
                  aria-label={`${t(`kind.${kind}`)} ${index + 1}`}
                  placeholder={t(`kind.${kind}`)}
                  disabled={disabled}
                  value={typeof entry === 'string' ? entry : ''}
                  onChange={(event: React.ChangeEvent<HTMLInputElement>) => update(index, event.target.value)}
                />
              ) : (
                <Flex gap={2} alignItems="flex-start" wrap="wrap">
                  <Box minWidth="140px">
                    <SingleSelect
                      aria-label={t('type')}
                      disabled={disabled}
                      value={asRecord(entry).type ?? ''}
                      onChange={(type: string | number) => update(index, compact({ ...asRecord(entry), type: String(type) }))}
                    >
                      {typeChoices[kind].map((choice) => (
                        <SingleSelectOption key={choice} value={choice}>
                          {choice}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                  </Box>
                  {(kind === 'address' ? addressParts : (['value'] as const)).map((part) => (
                    <Box key={part} flex="1" minWidth="160px">
                      <TextInput
                        aria-label={part === 'value' ? t(`kind.${kind}`) : t(`part.${part}`)}
                        placeholder={part === 'value' ? t(`kind.${kind}`) : t(`part.${part}`)}
                        disabled={disabled}
                        value={asRecord(entry)[part] ?? ''}
                        onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
                          update(index, compact({ ...asRecord(entry), [part]: event.target.value }))
                        }
                      />
                    </Box>
                  ))}
                </Flex>
              )}
            </Box>
            <IconButton label={t('remove')} disabled={disabled} onClick={() => remove(index)} variant="ghost">
              <Trash />
            </IconButton>
          </Flex>
        ))}
        <Box>
          <Button variant="tertiary" startIcon={<Plus />} disabled={disabled} onClick={() => emit([...entries, blank])}>
            {t('add')}
          </Button>
        </Box>
      </Flex>
    );
  }

  return (
    <Field.Root name={name} error={error} hint={hint} required={required} ref={ref}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Field.Label>{label}</Field.Label>
        {body}
        <Field.Hint />
        <Field.Error />
      </Flex>
    </Field.Root>
  );
});
