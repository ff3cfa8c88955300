/**
 * Content sources (plugin config `sources`): checked against the site's models at boot, then shown as read-only
 * calendars and address books beside the plugin's own, and tracked for sync.
 */
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
import { ADDRESS_BOOK_UID, CALENDAR_UID } from '../uids';
import { checkSources, SourceConfigError, type ContentModel } from './mapping';
import { createSourceRegistry, type SourceRegistry } from './registry';
import { registerSourceTracking } from './tracking';

const registries = new WeakMap<Core.Strapi, SourceRegistry>();

/**
 * Checks the configured sources against the models (a wrong mapping stops Strapi with a message naming it) and
 * starts tracking their entries. Runs at bootstrap, when every model is known.
 */
export function loadSources(strapi: Core.Strapi): SourceRegistry {
  const { sources } = strapi.config.get('plugin::caldav') as PluginConfig;
  let registry: SourceRegistry;
  try {
    registry = applySources(strapi, sources);
  } catch (error) {
    if (error instanceof SourceConfigError) throw new Error(`Error regarding caldav config: "sources": ${error.message}`);
    throw error;
  }
  registerSourceTracking(strapi, () => sourceRegistry(strapi));
  return registry;
}

/** Own calendars and address books whose slug a source also makes: the source's is served, theirs is hidden. */
export async function warnOfShadowedCollections(strapi: Core.Strapi): Promise<void> {
  const registry = sourceRegistry(strapi);
  for (const [kind, uid] of [['calendar', CALENDAR_UID], ['addressbook', ADDRESS_BOOK_UID]] as const) {
    const slugs = (await registry.collections(kind)).map((collection) => collection.slug);
    if (slugs.length === 0) continue;
    const taken = (await strapi.db.query(uid as never).findMany({ select: ['slug'], where: { slug: { $in: slugs } } })) as Array<{ slug: string }>;
    for (const { slug } of taken) {
      strapi.log.warn(`caldav: the ${kind === 'calendar' ? 'calendar' : 'address book'} "${slug}" is hidden by the content source of the same slug; rename one of them`);
    }
  }
}

/**
 * Checks sources against the site's models and makes them the ones served, at once and in this process (the
 * settings page saves them, and every process applies them when it starts). Throws SourceConfigError naming what
 * is wrong, leaving the sources served before in place.
 */
export function applySources(strapi: Core.Strapi, sources: unknown): SourceRegistry {
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as ContentModel | undefined;
  const checked = checkSources(sources, getModel);
  // A source split by group or locale names its collections `<slug>-<group>-<locale>`: no other slug may start so.
  for (const split of checked) {
    const splits = (split.kind === 'calendar' && split.groupBy) || (getModel(split.contentType)?.pluginOptions?.i18n?.localized && !split.filter?.locale);
    const clash = splits ? checked.find((other) => other !== split && other.kind === split.kind && other.slug.startsWith(`${split.slug}-`)) : undefined;
    if (clash) throw new SourceConfigError(`source "${clash.slug}": the slug may be taken by a calendar of source "${split.slug}", which is split by group or locale into "${split.slug}-..."; choose another`);
  }
  const registry = createSourceRegistry(strapi, checked);
  registries.set(strapi, registry);
  return registry;
}

/** The sources loaded at bootstrap (none before it). */
export function sourceRegistry(strapi: Core.Strapi): SourceRegistry {
  let registry = registries.get(strapi);
  if (!registry) {
    registry = createSourceRegistry(strapi, []);
    registries.set(strapi, registry);
  }
  return registry;
}

export { withAddressBookSources, withCalendarSources } from './backends';
export { SourceConfigError } from './mapping';
export type { ContentSource } from './types';
