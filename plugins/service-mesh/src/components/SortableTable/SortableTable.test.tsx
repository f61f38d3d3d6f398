import { SortableColumn, sortRows } from './SortableTable';

type Row = { name: string; pods: number };

const columns: SortableColumn<Row>[] = [
  { title: 'Name', render: r => r.name, sortValue: r => r.name },
  { title: 'Pods', render: r => r.pods, sortValue: r => r.pods },
  { title: 'Links', render: () => null },
];

const rows: Row[] = [
  { name: 'ns-10', pods: 2 },
  { name: 'NS-2', pods: 1 },
  { name: 'ns-1', pods: 2 },
];

describe('sortRows', () => {
  it('compares numbers in names as numbers, ignoring case', () => {
    expect(
      sortRows(rows, columns, { column: 'Name', direction: 'asc' }).map(
        r => r.name,
      ),
    ).toEqual(['ns-1', 'NS-2', 'ns-10']);
  });

  it('keeps the order of ties in both directions', () => {
    const names = (direction: 'asc' | 'desc') =>
      sortRows(rows, columns, { column: 'Pods', direction }).map(r => r.name);
    expect(names('asc')).toEqual(['NS-2', 'ns-10', 'ns-1']);
    expect(names('desc')).toEqual(['ns-10', 'ns-1', 'NS-2']);
  });

  it('leaves the rows as they are without an order or by a column that does not sort', () => {
    expect(sortRows(rows, columns, undefined)).toBe(rows);
    expect(sortRows(rows, columns, { column: 'Links', direction: 'asc' })).toBe(
      rows,
    );
  });
});
