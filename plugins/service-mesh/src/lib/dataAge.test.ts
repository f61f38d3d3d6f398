import { formatAge, staleClusterText, staleDataText } from './dataAge';

describe('staleDataText', () => {
  const now = Date.parse('2025-05-06T10:00:00Z');

  it('says nothing about fresh data', () => {
    expect(staleDataText('2025-05-06T09:59:45Z', now)).toBeUndefined();
    expect(staleDataText(undefined, now)).toBeUndefined();
  });

  it('gives the age of older data', () => {
    expect(staleDataText('2025-05-06T09:59:18Z', now)).toBe('as of 42 s ago');
    expect(staleDataText('2025-05-06T09:57:00Z', now)).toBe('as of 3 min ago');
  });
});

describe('formatAge', () => {
  it('uses the largest sensible unit', () => {
    expect(formatAge(12_000)).toBe('12 s ago');
    expect(formatAge(2 * 3600_000)).toBe('2 h ago');
    expect(formatAge(3 * 86400_000)).toBe('3 days ago');
  });
});

describe('staleClusterText', () => {
  const now = Date.parse('2025-05-06T10:00:00Z');

  it('says stale with the data age only when the backend says so', () => {
    expect(
      staleClusterText(
        { name: 'dev', stale: true, dataAsOf: '2025-05-06T09:58:00Z' },
        now,
      ),
    ).toBe(
      'Cluster dev is stale: data from 2 min ago. Changes made since are not shown, and restarts are refused until it is read again.',
    );
    expect(
      staleClusterText(
        { name: 'dev', stale: false, dataAsOf: '2025-05-06T09:58:00Z' },
        now,
      ),
    ).toBeUndefined();
    expect(staleClusterText({ name: 'dev', stale: true }, now)).toMatch(
      /^Cluster dev is stale: data of unknown age\./,
    );
  });
});
