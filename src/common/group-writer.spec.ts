import { GroupWriter } from './group-writer.js';

describe('GroupWriter', () => {
  it('writes the first item at once and groups whatever arrives meanwhile', async () => {
    const writes: number[][] = [];
    const writer = new GroupWriter<number>(async (items) => {
      writes.push(items);
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    writer.add(1);
    writer.add(2);
    writer.add(3);
    await writer.flushed();
    writer.add(4);
    await writer.flushed();
    expect(writes).toEqual([[1], [2, 3], [4]]);
  });

  it('reports a failed write from flushed()', async () => {
    const writer = new GroupWriter<number>(() => Promise.reject(new Error('database down')));
    writer.add(1);
    await expect(writer.flushed()).rejects.toThrow('database down');
  });
});
