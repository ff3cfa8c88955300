import type { Core } from '@strapi/strapi';

import type { FeedCalendar, FeedWindow } from '../feeds/store';
import { sourceRegistry } from './index';

/**
 * The iCalendar feed of a public calendar made from the site's content: the same feed as an own calendar's, with
 * the events its entries make (all of them: a source is not indexed by time, so the feed window does not apply).
 */
export function createSourceFeeds(strapi: Core.Strapi) {
  return {
    async findPublic(slug: string): Promise<{ calendar: FeedCalendar; eventTexts: (calendar: FeedCalendar, window: FeedWindow) => AsyncGenerator<string[]> } | null> {
      const registry = sourceRegistry(strapi);
      const collection = await registry.findBySlug('calendar', slug);
      if (!collection || collection.source.kind !== 'calendar' || collection.source.visibility !== 'public') return null;
      const state = await registry.ensureState(collection);
      const calendar: FeedCalendar = {
        id: 0,
        documentId: collection.key,
        slug: collection.slug,
        name: collection.name,
        description: collection.source.description ?? null,
        timezone: collection.source.timezone ?? null,
        visibility: 'public',
        feedToken: null,
        syncSequence: state.sequence,
        updatedAt: state.updatedAt,
      };
      return {
        calendar,
        async *eventTexts() {
          yield (await registry.members(collection)).map((member) => member.text);
        },
      };
    },
  };
}
