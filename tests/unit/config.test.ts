import { defaultConfig, validateConfig, type PluginConfig } from '../../server/src/config';

const withDefaults = (overrides: Record<string, unknown>) => ({ ...defaultConfig, ...overrides });

describe('plugin config validation', () => {
  test('the defaults are valid', () => {
    expect(() => validateConfig(withDefaults({}))).not.toThrow();
  });

  test('a custom base path is accepted', () => {
    const config: unknown = withDefaults({ basePath: '/calendars/dav' });
    validateConfig(config);
    expect((config as PluginConfig).basePath).toBe('/calendars/dav');
  });

  test.each([
    ['dav', 'must start with "/"'],
    ['/dav/', 'no trailing slash'],
    ['/', 'must start with "/"'],
    ['/da v', 'contain only'],
    ['/admin', 'must not be under "/admin"'],
    ['/api/dav', 'must not be under "/api"'],
    ['/.well-known', 'must not be under "/.well-known"'],
    [42, 'must be a string'],
  ])('basePath %p is refused with a message naming the key', (basePath, fragment) => {
    expect(() => validateConfig(withDefaults({ basePath }))).toThrow(/"basePath"/);
    expect(() => validateConfig(withDefaults({ basePath }))).toThrow(fragment);
  });

  test('every invalid key is named in one message', () => {
    let message = '';
    try {
      validateConfig(withDefaults({ maxResourceSize: 10, realm: 'a "quoted" realm', wellKnown: 'yes' }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/"maxResourceSize"/);
    expect(message).toMatch(/"realm"/);
    expect(message).toMatch(/"wellKnown"/);
    expect(message).not.toMatch(/"basePath"/);
  });

  test.each([0, 1.5, 5000, '30'])('syncRetentionDays %p is refused', (syncRetentionDays) => {
    expect(() => validateConfig(withDefaults({ syncRetentionDays }))).toThrow(/"syncRetentionDays" must be a whole number of days/);
  });

  test('sqliteWriteAheadLog takes true or false only', () => {
    expect(() => validateConfig(withDefaults({ sqliteWriteAheadLog: false }))).not.toThrow();
    expect(() => validateConfig(withDefaults({ sqliteWriteAheadLog: 'off' }))).toThrow(/"sqliteWriteAheadLog" must be true or false/);
  });

  test('sqliteSynchronous is "full" by default and takes "full" or "normal" only', () => {
    expect(defaultConfig.sqliteSynchronous).toBe('full');
    expect(() => validateConfig(withDefaults({ sqliteSynchronous: 'normal' }))).not.toThrow();
    expect(() => validateConfig(withDefaults({ sqliteSynchronous: 'off' }))).toThrow(/"sqliteSynchronous" must be "full" or "normal"/);
  });

  test('postgresPreparedStatements is on by default and takes true or false only', () => {
    expect(defaultConfig.postgresPreparedStatements).toBe(true);
    expect(() => validateConfig(withDefaults({ postgresPreparedStatements: false }))).not.toThrow();
    expect(() => validateConfig(withDefaults({ postgresPreparedStatements: 'no' }))).toThrow(/"postgresPreparedStatements" must be true or false/);
  });

  test('databaseWaitSeconds takes whole seconds from 1 to 600', () => {
    expect(() => validateConfig(withDefaults({ databaseWaitSeconds: 30 }))).not.toThrow();
    for (const databaseWaitSeconds of [0, 2.5, 601, '10', null]) {
      expect(() => validateConfig(withDefaults({ databaseWaitSeconds }))).toThrow(/"databaseWaitSeconds" must be a whole number of seconds between 1 and 600/);
    }
  });

  test('maxXmlBodySize is a whole number of bytes from 1 KiB to 100 MiB, 1 MiB by default', () => {
    expect(defaultConfig.maxXmlBodySize).toBe(1024 * 1024);
    expect(() => validateConfig(withDefaults({ maxXmlBodySize: 1024 }))).not.toThrow();
    expect(() => validateConfig(withDefaults({ maxXmlBodySize: 100 * 1024 * 1024 }))).not.toThrow();
    for (const maxXmlBodySize of [1023, 100 * 1024 * 1024 + 1, 2048.5, '1MB', null]) {
      expect(() => validateConfig(withDefaults({ maxXmlBodySize }))).toThrow(/"maxXmlBodySize" must be a whole number of bytes between 1024 and 104857600/);
    }
  });

  test('bodyReadTimeoutSeconds is a whole number of seconds from 1 to 3600, 30 by default', () => {
    expect(defaultConfig.bodyReadTimeoutSeconds).toBe(30);
    expect(() => validateConfig(withDefaults({ bodyReadTimeoutSeconds: 1 }))).not.toThrow();
    expect(() => validateConfig(withDefaults({ bodyReadTimeoutSeconds: 3600 }))).not.toThrow();
    for (const bodyReadTimeoutSeconds of [0, 3601, 0.5, '30', -1]) {
      expect(() => validateConfig(withDefaults({ bodyReadTimeoutSeconds }))).toThrow(/"bodyReadTimeoutSeconds" must be a whole number of seconds between 1 and 3600/);
    }
  });

  test('cors is off by default and takes a list of origins, or "*"', () => {
    expect(defaultConfig.cors).toEqual({ origins: [] });
    for (const origins of [['https://app.example.com'], ['http://localhost:3000', 'https://calendar.example.org:8443', 'http://[::1]:8080'], ['*']]) {
      expect(() => validateConfig(withDefaults({ cors: { origins } }))).not.toThrow();
    }
  });

  test.each([
    [{ origins: ['https://app.example.com/'] }, 'not an origin: "https://app.example.com/"'],
    [{ origins: ['app.example.com'] }, 'not an origin: "app.example.com"'],
    [{ origins: ['https://app.example.com/calendar'] }, 'not an origin'],
    [{ origins: ['https://*.example.com'] }, 'not an origin'],
    [{ origins: ['ftp://files.example.com'] }, 'not an origin'],
    [{ origins: [42] }, 'not an origin: 42'],
    [{ origins: 'https://app.example.com' }, 'must be a list of origins'],
    [{}, 'must be a list of origins'],
    [{ origins: [], credentials: true }, '"credentials" is not a known key'],
    [['https://app.example.com'], 'must be an object with origins'],
  ])('cors %p is refused with a message naming the key', (cors, fragment) => {
    expect(() => validateConfig(withDefaults({ cors }))).toThrow(/"cors"/);
    expect(() => validateConfig(withDefaults({ cors }))).toThrow(fragment);
  });

  test('an unknown key is refused, so that a typo does not go unnoticed', () => {
    expect(() => validateConfig(withDefaults({ basepath: '/dav' }))).toThrow(/"basepath" is not a known setting/);
  });

  test('a config that is not an object is refused', () => {
    expect(() => validateConfig('dav')).toThrow(/must be an object/);
  });
});
