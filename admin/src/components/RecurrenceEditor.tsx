import * as React from 'react';
import { Box, Checkbox, Field, Flex, NumberInput, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';

import type { Translate } from '../pages/translate';
import { buildRule, dayOfWeek, parseRule, WEEKDAYS, type Ends, type Frequency, type Rule } from './recurrence-rule';

/**
 * Edits an RRULE value (RFC 5545) in the terms people use: daily, weekly on chosen days, monthly on a day of the
 * month or a weekday, yearly; until a date or a number of times. A rule it cannot show that way (written by a
 * calendar app) is shown and edited as text.
 */

interface RecurrenceEditorProps {
  value: string | null;
  start: Date;
  allDay: boolean;
  disabled?: boolean;
  onChange: (rule: string | null) => void;
  t: Translate;
}

export function RecurrenceEditor({ value, start, allDay, disabled, onChange, t }: RecurrenceEditorProps) {
  const parsed = React.useMemo(() => parseRule(value), [value]);
  const [custom, setCustom] = React.useState(parsed === null);
  const rule = parsed ?? parseRule(null)!;
  const update = (changes: Partial<Rule>) => onChange(buildRule({ ...rule, ...changes }, start, allDay));

  if (custom) {
    return (
      <Field.Root name="rrule" hint={t('workspace.recurrence.customHint', 'A recurrence rule as calendar apps write it, e.g. FREQ=WEEKLY;BYDAY=MO,WE')}>
        <Field.Label>{t('workspace.recurrence.label', 'Repeats')}</Field.Label>
        <TextInput value={value ?? ''} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value.trim() || null)} />
        <Field.Hint />
        {parseRule(value) !== null && (
          <Typography variant="pi" textColor="primary600" tag="button" type="button" onClick={() => setCustom(false)}>
            {t('workspace.recurrence.simple', 'Use the simple editor')}
          </Typography>
        )}
      </Field.Root>
    );
  }

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={3} alignItems="flex-end">
        <Box flex="1">
          <Field.Root name="frequency">
            <Field.Label>{t('workspace.recurrence.label', 'Repeats')}</Field.Label>
            <SingleSelect value={rule.freq} disabled={disabled} onChange={(freq: string | number) => update({ freq: freq as Frequency })}>
              <SingleSelectOption value="NONE">{t('workspace.recurrence.none', 'Does not repeat')}</SingleSelectOption>
              <SingleSelectOption value="DAILY">{t('workspace.recurrence.daily', 'Daily')}</SingleSelectOption>
              <SingleSelectOption value="WEEKLY">{t('workspace.recurrence.weekly', 'Weekly')}</SingleSelectOption>
              <SingleSelectOption value="MONTHLY">{t('workspace.recurrence.monthly', 'Monthly')}</SingleSelectOption>
              <SingleSelectOption value="YEARLY">{t('workspace.recurrence.yearly', 'Yearly')}</SingleSelectOption>
            </SingleSelect>
          </Field.Root>
        </Box>
        {rule.freq !== 'NONE' && (
          <Box width="120px">
            <Field.Root name="interval">
              <Field.Label>{t('workspace.recurrence.interval', 'Every')}</Field.Label>
              <NumberInput value={rule.interval} disabled={disabled} onValueChange={(interval: number | undefined) => update({ interval: interval ?? 1 })} />
            </Field.Root>
          </Box>
        )}
      </Flex>
      {rule.freq === 'WEEKLY' && (
        <Flex gap={3} wrap="wrap" role="group" aria-label={t('workspace.recurrence.days', 'On these days')}>
          {WEEKDAYS.map((day) => (
            <Checkbox
              key={day}
              disabled={disabled}
              checked={(rule.days.length > 0 ? rule.days : [dayOfWeek(start)]).includes(day)}
              onCheckedChange={(checked: boolean | 'indeterminate') => {
                const current = rule.days.length > 0 ? rule.days : [dayOfWeek(start)];
                const days = checked === true ? [...current, day] : current.filter((item) => item !== day);
                update({ days: WEEKDAYS.filter((item) => days.includes(item)) });
              }}
            >
              {t(`workspace.recurrence.day.${day}`, day)}
            </Checkbox>
          ))}
        </Flex>
      )}
      {rule.freq === 'MONTHLY' && (
        <Field.Root name="monthly">
          <Field.Label>{t('workspace.recurrence.monthlyOn', 'On')}</Field.Label>
          <SingleSelect value={rule.monthly} disabled={disabled} onChange={(monthly: string | number) => update({ monthly: monthly as Rule['monthly'] })}>
            <SingleSelectOption value="monthday">{t('workspace.recurrence.monthday', 'Day {day} of the month', { day: start.getDate() })}</SingleSelectOption>
            <SingleSelectOption value="weekday">
              {t('workspace.recurrence.weekday', 'Weekday {nth} {weekday} of the month', { nth: Math.ceil(start.getDate() / 7), weekday: t(`workspace.recurrence.day.${dayOfWeek(start)}`, dayOfWeek(start)) })}
            </SingleSelectOption>
          </SingleSelect>
        </Field.Root>
      )}
      {rule.freq !== 'NONE' && (
        <Flex gap={3} alignItems="flex-end">
          <Box flex="1">
            <Field.Root name="ends">
              <Field.Label>{t('workspace.recurrence.ends', 'Ends')}</Field.Label>
              <SingleSelect value={rule.ends} disabled={disabled} onChange={(ends: string | number) => update({ ends: ends as Ends })}>
                <SingleSelectOption value="never">{t('workspace.recurrence.never', 'Never')}</SingleSelectOption>
                <SingleSelectOption value="until">{t('workspace.recurrence.until', 'On a date')}</SingleSelectOption>
                <SingleSelectOption value="count">{t('workspace.recurrence.count', 'After a number of times')}</SingleSelectOption>
              </SingleSelect>
            </Field.Root>
          </Box>
          {rule.ends === 'until' && (
            <Box flex="1">
              <Field.Root name="until">
                <Field.Label>{t('workspace.recurrence.untilDate', 'Last day')}</Field.Label>
                <TextInput type="date" value={rule.until} disabled={disabled} onChange={(event: React.ChangeEvent<HTMLInputElement>) => update({ until: event.target.value })} />
              </Field.Root>
            </Box>
          )}
          {rule.ends === 'count' && (
            <Box flex="1">
              <Field.Root name="count">
                <Field.Label>{t('workspace.recurrence.times', 'Times')}</Field.Label>
                <NumberInput value={rule.count} disabled={disabled} onValueChange={(count: number | undefined) => update({ count: count ?? 1 })} />
              </Field.Root>
            </Box>
          )}
        </Flex>
      )}
      {!disabled && (
        <Typography variant="pi" textColor="primary600" tag="button" type="button" onClick={() => setCustom(true)} style={{ alignSelf: 'flex-start', background: 'none', border: 0, cursor: 'pointer' }}>
          {t('workspace.recurrence.edit', 'Edit as a rule')}
        </Typography>
      )}
    </Flex>
  );
}
