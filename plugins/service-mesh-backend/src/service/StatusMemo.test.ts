import { StatusMemo } from './StatusMemo';

describe('StatusMemo', () => {
  it('derives once per cluster, version and key', () => {
    const memo = new StatusMemo<string>();
    const derived: string[] = [];
    const derive = (what: string) => () => {
      derived.push(what);
      return what;
    };
    expect(memo.get('a', 1, 'ns1', derive('a1'))).toBe('a1');
    expect(memo.get('a', 1, 'ns1', derive('again'))).toBe('a1');
    expect(memo.get('b', 1, 'ns1', derive('b1'))).toBe('b1');
    expect(memo.get('a', 1, 'ns2', derive('a1-ns2'))).toBe('a1-ns2');
    expect(memo.get('a', 2, 'ns1', derive('a2'))).toBe('a2');
    expect(derived).toEqual(['a1', 'b1', 'a1-ns2', 'a2']);
  });

  it('keeps at most the given number of answers per cluster, forgetting the oldest', () => {
    const memo = new StatusMemo<number>(2);
    let derivations = 0;
    const derive = () => ++derivations;
    memo.get('a', 1, 'x', derive);
    memo.get('a', 1, 'y', derive);
    memo.get('a', 1, 'z', derive);
    expect(memo.get('a', 1, 'z', derive)).toBe(3);
    expect(memo.get('a', 1, 'y', derive)).toBe(2);
    expect(memo.get('a', 1, 'x', derive)).toBe(4);
  });
});
