/**
 * Settings an administrator changes on the plugin's settings page, on top of the site's config file.
 *
 * The config file stays the site's defaults; what is saved in the admin is kept in Strapi's plugin store and
 * applied over it into Strapi's own config (`strapi.config`), which every part of the plugin reads when it needs a
 * value. Settings that decide where the plugin is mounted (base path, realm, well-known redirects) take a restart
 * and so stay in the config file only.
 *
 * Content sources (`sources`) are checked against the site's models and served at once (sources/index
 * applySources); saved ones that no longer fit the models (a content type changed since) are not served, the
 * config file's are, and the settings page says why.
 */

import type { Core } from '@strapi/strapi';

import { applySources, SourceConfigError, warnOfShadowedCollections } from '../sources';
import { PLUGIN_ID, ROLE_UID, USER_UID } from '../uids';
import { PluginConfigError, validateConfig, type PluginConfig } from './index';

export const EDITABLE_SETTINGS = ['maxResourceSize', 'syncRetentionDays', 'feeds', 'loginThrottle', 'defaultTimezone', 'sources'] as const;
export type EditableSetting = (typeof EDITABLE_SETTINGS)[number];
/** Settings whose saved value replaces the config file's as a whole (a list), where object settings are merged key by key. */
const REPLACED_WHOLE: readonly EditableSetting[] = ['sources'];
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
  /**
   * Content sources saved in the admin that are not served because they no longer fit the site's models (the
   * config file's are served instead): the saved list and why, naming the source and field. Null when none.
   */
  rejectedSources: { sources: unknown[]; message: string } | null;
}

export class SettingsInputError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The saved values that are editable settings; anything else in the store is ignored. */
function editableOnly(value: unknown): Partial<EditableSettings> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([key]) => (EDITABLE_SETTINGS as readonly string[]).includes(key))) as Partial<EditableSettings>;
}

/** `base` with `saved` on top; object settings (feeds, loginThrottle) are merged key by key, lists (sources) replaced. */
function withSaved(base: PluginConfig, saved: Partial<EditableSettings>): PluginConfig {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(saved) as Array<[string, unknown]>) {
    const current = merged[key];
    const whole = (REPLACED_WHOLE as readonly string[]).includes(key);
    merged[key] = !whole && isObject(current) && isObject(value) ? { ...current, ...value } : value;
  }
  return merged as unknown as PluginConfig;
}

const without = <T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> => {
  const { [key]: _left, ...rest } = value;
  return rest;
};

/** The same sources, compared by their JSON (saved values come from JSON). */
const sourcesKey = (sources: unknown): string => JSON.stringify(sources ?? []);

export function createSettings(strapi: Core.Strapi) {
  const store = strapi.store({ type: 'plugin', name: PLUGIN_ID });
  // The config file's values (with the plugin's defaults), as Strapi loaded them at boot.
  const fromFile = structuredClone(strapi.config.get(CONFIG_KEY) as PluginConfig);
  let saved: Partial<EditableSettings> = {};
  let reloading: ReturnType<typeof setInterval> | null = null;
  // Whether bootstrap is past `start`: before it, bootstrap's loadSources checks and serves the config file's sources.
  let started = false;
  // Counts the starts and ends of saves, so that a reload whose read of the store overlapped a save does not put
  // back what the save replaced.
  let saves = 0;
  // The content sources this process serves (by their JSON), and saved ones that do not fit the models.
  let served: { key: string; sources: unknown[] } | null = null;
  let rejected: { key: string; sources: unknown[]; message: string } | null = null;

  const current = () => strapi.config.get(CONFIG_KEY) as PluginConfig;

  /** Serves saved sources when they fit the models; returns why not (logged once per value), or null. */
  function serveSaved(sources: unknown[]): string | null {
    const key = sourcesKey(sources);
    if (served?.key === key) return null;
    if (rejected?.key === key) return rejected.message;
    try {
      applySources(strapi, sources);
    } catch (error) {
      if (!(error instanceof SourceConfigError)) throw error;
      rejected = { key, sources, message: error.message };
      strapi.log.error(
        `caldav: the content sources saved on the settings page do not fit the site's models and are not served (the config file's are): ${error.message}`,
      );
      return error.message;
    }
    served = { key, sources };
    return null;
  }

  /** Serves the config file's sources (checked at boot) again, when saved ones were served instead. */
  function serveFromFile(): void {
    const key = sourcesKey(fromFile.sources);
    if (!started) {
      served = { key, sources: fromFile.sources };
      return;
    }
    if (served?.key === key) return;
    try {
      applySources(strapi, fromFile.sources);
      served = { key, sources: fromFile.sources };
    } catch (error) {
      if (!(error instanceof SourceConfigError)) throw error;
      strapi.log.error(`caldav: the config file's content sources do not fit the site's models: ${error.message}`);
    }
  }

  function apply(next: Partial<EditableSettings>): void {
    validateConfig(withSaved(fromFile, next));
    let inForce = next;
    if (next.sources !== undefined && serveSaved(next.sources) !== null) inForce = without(next, 'sources');
    if (inForce.sources === undefined) serveFromFile();
    if (next.sources === undefined || inForce.sources !== undefined) rejected = null;
    saved = next;
    strapi.config.set(CONFIG_KEY, withSaved(fromFile, inForce));
  }

  async function load(): Promise<void> {
    const before = saves;
    const stored = editableOnly(await store.get({ key: STORE_KEY }));
    // A save made while the store was read has applied newer values already.
    if (saves !== before) return;
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
      started = true;
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
        rejectedSources: rejected ? { sources: rejected.sources, message: rejected.message } : null,
      };
    },

    /**
     * Saves new values for some settings (null: back to the config file's value). All are checked together and
     * nothing is saved when one is wrong; the error names each wrong key. Sources replace the saved list as a
     * whole, are checked against the site's models (the error names the source and field) and are served at once.
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
      const nextSettings = next as Partial<EditableSettings>;
      try {
        validateConfig(withSaved(fromFile, nextSettings));
      } catch (error) {
        if (error instanceof PluginConfigError) throw new SettingsInputError(error.message);
        throw error;
      }
      saves += 1;
      const before = served;
      if ('sources' in changes) {
        const sources = nextSettings.sources ?? fromFile.sources;
        const key = sourcesKey(sources);
        if (served?.key !== key) {
          try {
            // Checked against the models and served now; on a problem the sources served before stay.
            applySources(strapi, sources);
          } catch (error) {
            if (error instanceof SourceConfigError) throw new SettingsInputError(error.message);
            throw error;
          }
          served = { key, sources };
        }
      }
      try {
        await store.set({ key: STORE_KEY, value: next });
      } catch (error) {
        // Not saved: serve what was served before.
        if (before && served !== before) {
          applySources(strapi, before.sources);
          served = before;
        }
        throw error;
      } finally {
        saves += 1;
      }
      apply(nextSettings);
      if (served !== before) {
        // As at boot: own calendars and address books a new source's slug hides are named in the log.
        await warnOfShadowedCollections(strapi).catch((error: unknown) => strapi.log.warn(`caldav: checking the sources' slugs failed: ${String(error)}`));
      }
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;

// ---------------------------------------------------------------------------------------------------------------
// What the settings page offers when a site owner maps a content source

/** An attribute of a related entry, for `relation.attribute` paths. */
export interface SourceTargetAttribute {
  name: string;
  type: string;
  enum?: string[];
}

/** An attribute a source may map (private ones are never offered: they are never published). */
export interface SourceAttribute {
  name: string;
  type: string;
  /** An enumeration's values. */
  enum?: string[];
  /** A media attribute: whether it holds several files, and the kinds of file it accepts (images, files, ...). */
  multiple?: boolean;
  allowedTypes?: string[];
  /** A relation: its kind (manyToOne, ...), its target, and the target's plain attributes. */
  relation?: string;
  target?: string;
  targetAttributes?: SourceTargetAttribute[];
}

/** A collection type of the site that a source can show. */
export interface SourceContentType {
  uid: string;
  displayName: string;
  draftAndPublish: boolean;
  localized: boolean;
  attributes: SourceAttribute[];
}

export interface SourceOptions {
  contentTypes: SourceContentType[];
  /** users-permissions roles, by type, that a source can be shared with. */
  roles: Array<{ type: string; name: string }>;
  /** The site's locales, for a source fixed to one. */
  locales: Array<{ code: string; name: string }>;
}

interface ModelLike {
  uid: string;
  kind?: string;
  info?: { displayName?: string };
  options?: { draftAndPublish?: boolean };
  pluginOptions?: { i18n?: { localized?: boolean } };
  attributes: Record<string, Record<string, unknown> & { type: string }>;
}

/** Attribute types an entry holds as one plain value. */
const PLAIN_TYPES = new Set(['string', 'text', 'richtext', 'uid', 'enumeration', 'email', 'integer', 'biginteger', 'float', 'decimal', 'boolean', 'date', 'datetime', 'time', 'timestamp']);

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? [...(value as string[])] : undefined;

/**
 * The site's collection types that content sources can show (its own `api::` types, and the users of
 * users-permissions), each with its attributes as a source's field pickers need them; the roles a source can be
 * shared with; the locales.
 */
export async function describeSourceOptions(strapi: Core.Strapi): Promise<SourceOptions> {
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as ModelLike | undefined;
  const visible = (model: ModelLike) => Object.entries(model.attributes).filter(([, attribute]) => attribute.private !== true);

  const describeAttribute = (name: string, attribute: ModelLike['attributes'][string]): SourceAttribute => {
    const described: SourceAttribute = { name, type: attribute.type };
    const values = stringList(attribute.enum);
    if (values) described.enum = values;
    if (attribute.type === 'media') {
      described.multiple = attribute.multiple === true;
      const allowed = stringList(attribute.allowedTypes);
      if (allowed) described.allowedTypes = allowed;
    }
    if (attribute.type === 'relation') {
      if (typeof attribute.relation === 'string') described.relation = attribute.relation;
      const target = typeof attribute.target === 'string' ? getModel(attribute.target) : undefined;
      if (target) {
        described.target = target.uid;
        described.targetAttributes = visible(target)
          .filter(([, related]) => PLAIN_TYPES.has(related.type))
          .map(([relatedName, related]) => {
            const relatedValues = stringList(related.enum);
            return relatedValues ? { name: relatedName, type: related.type, enum: relatedValues } : { name: relatedName, type: related.type };
          });
      }
    }
    return described;
  };

  const uids = Object.keys(strapi.contentTypes).filter((uid) => uid.startsWith('api::') || uid === USER_UID);
  const contentTypes = uids
    .map(getModel)
    .filter((model): model is ModelLike => model !== undefined && model.kind === 'collectionType')
    .map((model) => ({
      uid: model.uid,
      displayName: model.info?.displayName ?? model.uid,
      draftAndPublish: model.options?.draftAndPublish === true,
      localized: model.pluginOptions?.i18n?.localized === true,
      attributes: visible(model).map(([name, attribute]) => describeAttribute(name, attribute)),
    }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.uid.localeCompare(b.uid));

  const roles = getModel(ROLE_UID)
    ? ((await strapi.db.query(ROLE_UID as never).findMany({ select: ['type', 'name'], orderBy: { name: 'asc' } })) as Array<{ type: string; name: string }>)
    : [];
  const i18n = strapi.plugin('i18n');
  const locales = i18n ? ((await i18n.service('locales').find()) as Array<{ code: string; name?: string | null }>) : [];

  return {
    contentTypes,
    roles: roles.map((role) => ({ type: role.type, name: role.name })),
    locales: locales.map((locale) => ({ code: locale.code, name: locale.name ?? locale.code })),
  };
}
