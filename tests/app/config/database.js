'use strict';

const path = require('node:path');

// The harness creates a database of its own for each booted app and passes it here through the environment.
module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  if (client === 'sqlite') {
    return {
      connection: {
        client: 'sqlite',
        connection: { filename: env('DATABASE_FILENAME', path.join(__dirname, '..', '.tmp', 'test.db')) },
        useNullAsDefault: true,
      },
    };
  }
  return {
    connection: {
      client,
      connection: {
        host: env('DATABASE_HOST', '127.0.0.1'),
        port: env.int('DATABASE_PORT', client === 'postgres' ? 5432 : 3306),
        database: env('DATABASE_NAME'),
        user: env('DATABASE_USERNAME', client === 'postgres' ? 'postgres' : 'root'),
        password: env('DATABASE_PASSWORD', ''),
      },
      // DATABASE_POOL_MAX=1 lets a test see the one connection the site used (its prepared statements).
      pool: { min: 0, max: env.int('DATABASE_POOL_MAX', 5) },
    },
  };
};
