import { KeyedQueue } from './KeyedQueue';

describe('KeyedQueue', () => {
  it('runs tasks of one key one after another, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise(resolve => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      queue.run('a', task('a1', 20)),
      queue.run('a', task('a2', 1)),
      queue.run('b', task('b1', 1)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('keeps going after a task fails', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });

  it('runs a task holding several keys only when it has the turn of each', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let releaseB!: () => void;
    const holdingB = queue.run(
      'b',
      () =>
        new Promise<void>(resolve => {
          releaseB = resolve;
        }),
    );
    const both = queue.runAll(['b', 'a'], async () => log.push('a+b'));
    const onlyA = queue.run('a', async () => log.push('a'));
    await new Promise(resolve => setTimeout(resolve, 5));
    // a+b took a's turn first and waits for b; a alone waits behind it.
    expect(log).toEqual([]);
    releaseB();
    await Promise.all([holdingB, both, onlyA]);
    expect(log).toEqual(['a+b', 'a']);
  });

  it('does not deadlock when two tasks want the same keys in another order', async () => {
    const queue = new KeyedQueue();
    const results = await Promise.all([
      queue.runAll(['x', 'y'], async () => 1),
      queue.runAll(['y', 'x'], async () => 2),
    ]);
    expect(results).toEqual([1, 2]);
  });
});
