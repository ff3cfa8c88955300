import { allowedOrigin, strictTransportSecurity } from '../../server/src/middlewares/http-policy';

describe('Strict-Transport-Security on the plugin answers', () => {
  test("follows the site's strapi::security middleware, with Strapi's defaults", () => {
    expect(strictTransportSecurity(['strapi::logger', 'strapi::security', 'strapi::cors'])).toBe('max-age=31536000; includeSubDomains');
    // A site without a middleware list of its own runs Strapi's default one, security included.
    expect(strictTransportSecurity(undefined)).toBe('max-age=31536000; includeSubDomains');
  });

  test("takes the site's own hsts options", () => {
    expect(strictTransportSecurity([{ name: 'strapi::security', config: { hsts: { maxAge: 600, includeSubDomains: false } } }])).toBe('max-age=600');
    expect(strictTransportSecurity([{ name: 'strapi::security', config: { hsts: { maxAge: 63072000, preload: true } } }])).toBe('max-age=63072000; includeSubDomains; preload');
    expect(strictTransportSecurity([{ name: 'strapi::security', config: { strictTransportSecurity: { maxAge: 10 } } }])).toBe('max-age=10; includeSubDomains');
  });

  test('is left out where the site sends none', () => {
    expect(strictTransportSecurity([{ name: 'strapi::security', config: { hsts: false } }])).toBeNull();
    expect(strictTransportSecurity(['strapi::logger', 'strapi::cors'])).toBeNull();
  });
});

describe('CORS origins', () => {
  test('only a listed origin is granted, compared without regard to case', () => {
    const policy = { origins: ['https://app.example.com'] };
    expect(allowedOrigin(policy, 'https://app.example.com')).toBe('https://app.example.com');
    expect(allowedOrigin(policy, 'https://APP.example.com')).toBe('https://APP.example.com');
    for (const origin of ['https://app.example.com.evil.test', 'http://app.example.com', 'https://app.example.com:444', 'null', '', undefined]) {
      expect(allowedOrigin(policy, origin)).toBeNull();
    }
  });

  test('"*" grants any origin without naming it; no origins grants none', () => {
    expect(allowedOrigin({ origins: ['*'] }, 'https://anywhere.example')).toBe('*');
    expect(allowedOrigin({ origins: [] }, 'https://anywhere.example')).toBeNull();
  });
});
