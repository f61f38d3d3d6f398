import { parseLabelSelector } from '@mesh-backstage/plugin-service-mesh-common';
import { LabelIndex } from './LabelIndex';

const pod = (name: string, labels: Record<string, string>) => ({
  metadata: { name, labels },
});

describe('LabelIndex', () => {
  const reviews = pod('reviews', {
    app: 'reviews',
    'backstage.io/kubernetes-id': 'reviews',
  });
  const ratings = pod('ratings', {
    app: 'ratings',
    'backstage.io/kubernetes-id': 'ratings',
  });
  const canary = pod('reviews-canary', { app: 'reviews', track: 'canary' });
  const unlabelled = pod('job', {});

  function indexOf(...items: Array<ReturnType<typeof pod>>) {
    const index = new LabelIndex<ReturnType<typeof pod>>();
    items.forEach(item => index.add(item));
    return index;
  }

  const names = (items?: Array<{ metadata: { name: string } }>) =>
    items?.map(i => i.metadata.name).sort();

  it('finds objects by equality, set and existence terms', () => {
    const index = indexOf(reviews, ratings, canary, unlabelled);
    expect(names(index.matching(parseLabelSelector('app=reviews')))).toEqual([
      'reviews',
      'reviews-canary',
    ]);
    expect(
      names(
        index.matching(
          parseLabelSelector('backstage.io/kubernetes-id in (reviews,ratings)'),
        ),
      ),
    ).toEqual(['ratings', 'reviews']);
    expect(names(index.matching(parseLabelSelector('track')))).toEqual([
      'reviews-canary',
    ]);
    expect(
      names(
        index.matching({ matchLabels: { app: 'reviews', track: 'canary' } }),
      ),
    ).toEqual(['reviews-canary']);
  });

  it('applies the terms it does not index to the candidates', () => {
    const index = indexOf(reviews, ratings, canary);
    expect(
      names(index.matching(parseLabelSelector('app=reviews,track!=canary'))),
    ).toEqual(['reviews']);
    expect(
      names(index.matching(parseLabelSelector('app in (reviews),!track'))),
    ).toEqual(['reviews']);
  });

  it('starts from the most selective term', () => {
    const index = indexOf(reviews, ratings, canary);
    expect(
      names(index.candidates(parseLabelSelector('app=reviews,track=canary'))),
    ).toEqual(['reviews-canary']);
  });

  it('asks for a scan when no term requires a label', () => {
    const index = indexOf(reviews, unlabelled);
    expect(index.candidates({})).toBeUndefined();
    expect(
      index.candidates(parseLabelSelector('app!=reviews')),
    ).toBeUndefined();
    expect(index.candidates(parseLabelSelector('!track'))).toBeUndefined();
  });

  it('forgets removed objects and labels nobody carries any more', () => {
    const index = indexOf(reviews, canary);
    index.remove(canary);
    expect(names(index.matching(parseLabelSelector('app=reviews')))).toEqual([
      'reviews',
    ]);
    expect(index.matching(parseLabelSelector('track'))).toEqual([]);
    index.clear();
    expect(index.matching(parseLabelSelector('app=reviews'))).toEqual([]);
  });
});
