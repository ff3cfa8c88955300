'use strict';

/**
 * A second Strapi process on the database the parent test already booted, for tests of several processes. It loads
 * the plugin's TypeScript source like the test runner does (compiled with swc on require), listens on a free port,
 * tells the parent its port, and stops when the parent says so.
 */

const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

async function main() {
  const { createStrapi } = require('@strapi/strapi');
  const appDir = path.join(__dirname, '..', 'app');
  const app = createStrapi({ appDir, distDir: appDir });
  await app.load();
  await app.listen();
  process.send({ port: app.server.httpServer.address().port });
  process.on('message', async (message) => {
    if (message === 'stop') {
      await app.destroy();
      process.exit(0);
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
