'use strict';

// Required through the test runner, which compiles the TypeScript on the fly.
module.exports = require('../../../server/src/index.ts').default;
