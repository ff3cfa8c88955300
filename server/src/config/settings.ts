/**
 * Settings an administrator changes on the plugin's settings page, on top of the site's config file.
 *
 * The config file stays the site's defaults; what is saved in the admin is kept in Strapi's plugin store and
 * applied over it into Strapi's own config (`strapi.config`), which every part of the plugin reads when it needs a
 * value. Settings that decide where the plugin is mounted (base path, realm, well-known redirects) take a restart
 * and so stay in the config file only.
 */

import type { Core } from '@strapi/strapi';

import { PLUGIN_ID } from '../uids';
import { PluginConfigError, validateConfig, type PluginConfig } from './index';

export const EDITABLE_SETTINGS = ['maxResourceSize', 'syncRetentionDays', 'feeds', 'loginThrottle', 'defaultTimezone'] as const;
export type EditableSetting = (typeof EDITABLE_SETTINGS)[number];
export type EditableSettings = Pick<PluginConfig, EditableSetting>;
export type FixedSettings = Pick<PluginConfig, 'basePath' | 'realm' | 'wellKnown'>;

const STORE_KEY = 'settings';
const CONFIG_KEY = `plugin::${PLUGIN_ID}`;
/** How often each process reads the saved settings again, so that a change made through another process arrives. */
const RELOAD_MS = 15_000;

/** What the settings page shows: the values in force, which of them were saved in the admin, and the fixed ones. */
export interface SettingsDescription {
  values: EditableSettings;
  saved: EditableSetting[];
  defaults: EditableSettings;
  fixed: FixedSettings;
}

export class SettingsInputError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The saved values that are editable settings; anything else in the store is ignored. */
function editableOnly(value: unknown): Partial<EditableSettings> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([key]) => (EDITABLE_SETTINGS as readonly string[]).includes(key))) as Partial<EditableSettings>;
}

/** `base` with `saved` on top; object settings (feeds, loginThrottle) are merged key by key. */
function withSaved(base: PluginConfig, saved: Partial<EditableSettings>): PluginConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(saved) as Array<[string, unknown]>) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return merged as unknown as PluginConfig;
}

export function createSettings(strapi: Core.Strapi) {
  const store = strapi.store({ type: 'plugin', name: PLUGIN_ID });
  // The config file's values (with the plugin's defaults), as Strapi loaded them at boot.
  const fromFile = structuredClone(strapi.config.get(CONFIG_KEY) as PluginConfig);
  let saved: Partial<EditableSettings> = {};
  let reloading: ReturnType<typeof setInterval> | null = null;

  const current = () => strapi.config.get(CONFIG_KEY) as PluginConfig;

  function apply(next: Partial<EditableSettings>): void {
    const effective = withSaved(fromFile, next);
    validateConfig(effective);
    saved = next;
    strapi.config.set(CONFIG_KEY, effective);
  }

  async function load(): Promise<void> {
    const stored = editableOnly(await store.get({ key: STORE_KEY }));
    try {
      apply(stored);
    } catch (error) {
      // A saved value the current version no longer accepts: keep running on the config file, and say why.
      const message = error instanceof Error ? error.message : String(error);
      strapi.log.warn(`caldav: the settings saved in the admin are not valid and are ignored: ${message}`);
      apply({});
    }
  }

  return {
    load,

    /** Reads the saved settings now and then again every few seconds, until `stop`. */
    async start(): Promise<void> {
      await load();
      reloading = setInterval(() => {
        load().catch((error: unknown) => strapi.log.warn(`caldav: reading the saved settings failed: ${String(error)}`));
      }, RELOAD_MS);
      reloading.unref();
    },

    stop(): void {
      if (reloading) clearInterval(reloading);
      reloading = null;
    },

    describe(): SettingsDescription {
      const effective = current();
      const pick = (config: PluginConfig): EditableSettings =>
        Object.fromEntries(EDITABLE_SETTINGS.map((key) => [key, config[key]])) as unknown as EditableSettings;
      return {
        values: pick(effective),
        saved: Object.keys(saved) as EditableSetting[],
        defaults: pick(fromFile),
        fixed: { basePath: effective.basePath, realm: effective.realm, wellKnown: effective.wellKnown },
      };
    },

    /**
     * Saves new values for some settings (null: back to the config file's value). All are checked together and
     * nothing is saved when one is wrong; the error names each wrong key.
     */
    async save(changes: unknown): Promise<void> {
      if (!isObject(changes)) throw new SettingsInputError('Send a JSON object with the settings to change.');
      const unknownKeys = Object.keys(changes).filter((key) => !(EDITABLE_SETTINGS as readonly string[]).includes(key));
      if (unknownKeys.length > 0) {
        throw new SettingsInputError(
          `${unknownKeys.map((key) => `"${key}"`).join(', ')} cannot be changed here (editable: ${EDITABLE_SETTINGS.join(', ')}; the others are set in config/plugins).`,
        );
      }
      const next: Record<string, unknown> = { ...saved };
      for (const [key, value] of Object.entries(changes)) {
        if (value === null) delete next[key];
        else next[key] = value;
      }
      try {
        validateConfig(withSaved(fromFile, next as Partial<EditableSettings>));
      } catch (error) {
        if (error instanceof PluginConfigError) throw new SettingsInputError(error.message);
        throw error;
      }
      await store.set({ key: STORE_KEY, value: next });
      apply(next as Partial<EditableSettings>);
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;
