import { NUL_CHARACTER_MESSAGE, nulCharacterErrors } from './nul-characters.js';

describe('nulCharacterErrors', () => {
  it('names every string holding U+0000, by its path, in document order', () => {
    const body = {
      name: 'ok',
      notes: 'a\u0000',
      items: [{ title: '\u0000' }, 'x', ['y\u0000z']],
      n: 1,
      b: null,
    };
    expect(nulCharacterErrors(body)).toEqual([
      { path: 'notes', message: NUL_CHARACTER_MESSAGE },
      { path: 'items[0].title', message: NUL_CHARACTER_MESSAGE },
      { path: 'items[2][0]', message: NUL_CHARACTER_MESSAGE },
    ]);
    expect(nulCharacterErrors('\u0000', 'cursor')).toEqual([
      { path: 'cursor', message: NUL_CHARACTER_MESSAGE },
    ]);
    expect(nulCharacterErrors({ name: '株式会社サンプル商事 🎓', control: '\u0001\u001f' })).toEqual([]);
  });

  it('walks any nesting a JSON body can have without overflowing the stack', () => {
    const deep = JSON.parse('['.repeat(200_000) + '"\\u0000"' + ']'.repeat(200_000)) as unknown;
    expect(nulCharacterErrors(deep)).toHaveLength(1);
  });
});
