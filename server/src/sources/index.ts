/**
 * Content sources (plugin config `sources`): checked against the site's models at boot, then shown as read-only
 * calendars and address books beside the plugin's own, and tracked for sync.
 */
import type { Core } from '@strapi/strapi';

import type { PluginConfig } from '../config';
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
  let checked;
  try {
    checked = checkSources(sources, (uid) => strapi.getModel(uid as never) as unknown as ContentModel | undefined);
  } catch (error) {
    if (error instanceof SourceConfigError) throw new Error(`Error regarding caldav config: "sources": ${error.message}`);
    throw error;
  }
  const registry = createSourceRegistry(strapi, checked);
  registerSourceTracking(strapi, registry);
  registries.set(strapi, registry);
  return registry;
}

/** The sources loaded at bootstrap (none before it). */
export function sourceRegistry(strapi: Core.Strapi): SourceRegistry {
  return registries.get(strapi) ?? createSourceRegistry(strapi, []);
}

export { withAddressBookSources, withCalendarSources } from './backends';
export type { ContentSource } from './types';
