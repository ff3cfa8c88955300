import { checkStructuredValue } from '../../server/src/content-types/structured-values';

describe('structured field values', () => {
  test('empty values are always allowed', () => {
    for (const kind of ['text', 'datetime', 'email', 'phone', 'address', 'name'] as const) {
      expect(checkStructuredValue(kind, null)).toBeNull();
      expect(checkStructuredValue(kind, undefined)).toBeNull();
    }
  });

  test('well-formed values pass', () => {
    expect(checkStructuredValue('text', ['Team', 'Planning'])).toBeNull();
    expect(checkStructuredValue('datetime', ['2026-01-31', '2026-01-31T09:00:00Z', '2026-01-31T09:00:00.000+01:00'])).toBeNull();
    expect(checkStructuredValue('email', [{ type: 'work', value: 'ada@example.com' }, { value: 'a@b' }])).toBeNull();
    expect(checkStructuredValue('phone', [{ type: 'cell', value: '+1 555 0100' }])).toBeNull();
    expect(checkStructuredValue('address', [{ type: 'home', street: '1 Main St', locality: 'Springfield' }])).toBeNull();
    expect(checkStructuredValue('name', { given: 'Ada', family: 'Lovelace' })).toBeNull();
  });

  test.each([
    ['text', 'Team', 'must be a list'],
    ['text', [''], 'entry 1 must be non-empty text'],
    ['datetime', ['31/01/2026'], 'entry 1 must be a date'],
    ['datetime', ['2026-01-31T09:00:00'], 'entry 1 must be a date'],
    ['datetime', ['2026-02-31T09:00:00Z', 'x'], 'entry 2 must be a date'],
    ['email', [{ value: 'not-an-address' }], 'is not an email address'],
    ['email', ['ada@example.com'], 'must be an object'],
    ['phone', [{ type: 'cell' }], 'entry 1.value must be non-empty text'],
    ['phone', [{ value: '1', kind: 'cell' }], 'unknown key "kind"'],
    ['address', [{ type: 'home' }], 'no address part'],
    ['address', [{ street: 42 }], 'entry 1.street must be text'],
    ['name', ['Ada'], 'must be an object'],
    ['name', { first: 'Ada' }, 'unknown key "first"'],
  ] as const)('%s value %j is refused: %s', (kind, value, fragment) => {
    expect(checkStructuredValue(kind, value)).toContain(fragment);
  });

  test('lists are bounded', () => {
    expect(checkStructuredValue('text', Array.from({ length: 201 }, (_, i) => `c${i}`))).toContain('at most 200');
  });
});
