'use strict';

// Quiet by default so that test output shows the tests; STRAPI_LOG_LEVEL=http shows every request.
module.exports = { level: process.env.STRAPI_LOG_LEVEL || 'warn' };
