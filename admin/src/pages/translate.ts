import { useCallback } from 'react';
import { useIntl } from 'react-intl';

import { PLUGIN_ID } from '../pluginId';

/** Formats one of the plugin's messages (admin/src/translations/en.json, prefixed with the plugin id). */
export function useT() {
  const { formatMessage } = useIntl();
  return useCallback(
    (id: string, defaultMessage: string, values?: Record<string, string | number>) => formatMessage({ id: `${PLUGIN_ID}.${id}`, defaultMessage }, values),
    [formatMessage],
  );
}

export type Translate = ReturnType<typeof useT>;
