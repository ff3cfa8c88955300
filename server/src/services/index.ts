import type { Core } from '@strapi/strapi';

import { createCollectionStore } from '../store/collections';

export default {
  collections: ({ strapi }: { strapi: Core.Strapi }) => createCollectionStore(strapi),
};
