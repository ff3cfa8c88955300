import * as React from 'react';
import { Combobox, ComboboxOption } from '@strapi/design-system';

import { timeZones } from '../pages/time';

/**
 * An IANA time zone picked from the browser's list, typed to filter. `clearable` lets the editor leave it empty
 * (a calendar or a source without a zone); an event's zone is never cleared, only changed.
 */
export function TimeZoneCombobox({
  value,
  onChange,
  disabled = false,
  clearable = true,
}: {
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  clearable?: boolean;
}) {
  const zones = React.useMemo(() => timeZones(), []);
  const [text, setText] = React.useState(value);
  // A value set from outside (loaded details, a reset) shows as the text too.
  React.useEffect(() => setText(value), [value]);
  return (
    <Combobox
      value={clearable ? value || undefined : value}
      textValue={text}
      onTextValueChange={setText}
      disabled={disabled}
      onClear={
        clearable
          ? () => {
              onChange('');
              setText('');
            }
          : undefined
      }
      onChange={(picked?: string) => {
        onChange(picked ?? '');
        setText(picked ?? '');
      }}
    >
      {zones.map((zone) => (
        <ComboboxOption key={zone} value={zone}>
          {zone}
        </ComboboxOption>
      ))}
    </Combobox>
  );
}
