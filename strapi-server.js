'use strict';

// Entry point Strapi falls back to when it does not read the package's export map.
module.exports = require('./dist/server');
