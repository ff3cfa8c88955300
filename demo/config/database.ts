import path from 'node:path';

import { demoDir } from './paths';

export default ({ env }) => ({
  connection: {
    client: 'sqlite',
    connection: { filename: env('DATABASE_FILENAME', path.join(demoDir, 'database', 'data.db')) },
    useNullAsDefault: true,
  },
});
