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

  test('an unknown key is refused, so that a typo does not go unnoticed', () => {
    expect(() => validateConfig(withDefaults({ basepath: '/dav' }))).toThrow(/"basepath" is not a known setting/);
  });

  test('a config that is not an object is refused', () => {
    expect(() => validateConfig('dav')).toThrow(/must be an object/);
  });
});
