import type { Core } from '@strapi/strapi';

import { createSettings } from '../config/settings';
import { createCollectionStore } from '../store/collections';
import { createTransferService } from '../transfers';

export default {
  collections: ({ strapi }: { strapi: Core.Strapi }) => createCollectionStore(strapi),
  settings: ({ strapi }: { strapi: Core.Strapi }) => createSettings(strapi),
  transfers: ({ strapi }: { strapi: Core.Strapi }) => createTransferService(strapi),
};
