import { Semaphore } from './Semaphore';

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, the others in arrival order', async () => {
    const semaphore = new Semaphore(2);
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const tasks = [0, 1, 2, 3].map(i =>
      semaphore.run(
        () =>
          new Promise<number>(resolve => {
            started.push(i);
            releases.push(() => resolve(i));
          }),
      ),
    );
    await new Promise(resolve => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(semaphore.inFlight).toBe(2);
    releases[1]();
    await new Promise(resolve => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    releases[0]();
    releases[2]();
    await new Promise(resolve => setImmediate(resolve));
    releases[3]();
    await expect(Promise.all(tasks)).resolves.toEqual([0, 1, 2, 3]);
    expect(semaphore.inFlight).toBe(0);
  });

  it('frees the permit of a task that fails', async () => {
    const semaphore = new Semaphore(1);
    await expect(
      semaphore.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(semaphore.run(async () => 'next')).resolves.toBe('next');
  });
});
