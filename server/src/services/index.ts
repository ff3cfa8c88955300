import type { Core } from '@strapi/strapi';

import { createPasswordVerifier } from '../auth/password-hash';
import { createSettings } from '../config/settings';
import { createCollectionStore } from '../store/collections';
import { createTransferService } from '../transfers';

export default {
  collections: ({ strapi }: { strapi: Core.Strapi }) => createCollectionStore(strapi),
  passwords: ({ strapi }: { strapi: Core.Strapi }) => createPasswordVerifier(strapi),
  settings: ({ strapi }: { strapi: Core.Strapi }) => createSettings(strapi),
  transfers: ({ strapi }: { strapi: Core.Strapi }) => createTransferService(strapi),
};
