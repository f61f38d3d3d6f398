import { ReactNode, useState } from 'react';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import { makeStyles } from '@material-ui/core/styles';

export type SortValue = string | number;

// Backstage's theme lets table cells break inside words ("Ki|ali"); these
// columns are short words and numbers, better wrapped between words.
const useStyles = makeStyles({ cell: { wordBreak: 'normal' } });

/** A column: its header, its cells, and the value it sorts by if it sorts. */
export interface SortableColumn<Row> {
  title: string;
  render: (row: Row) => ReactNode;
  sortValue?: (row: Row) => SortValue;
}

export interface SortOrder {
  /** The title of the column the rows are sorted by. */
  column: string;
  direction: 'asc' | 'desc';
}

// "ns-2" before "ns-10", as people read them.
const collator = new Intl.Collator('en-US', {
  numeric: true,
  sensitivity: 'base',
});

function compare(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** The rows in the order's column and direction; ties keep their order. */
export function sortRows<Row>(
  rows: Row[],
  columns: SortableColumn<Row>[],
  order: SortOrder | undefined,
): Row[] {
  const sortValue = columns.find(c => c.title === order?.column)?.sortValue;
  if (!order || !sortValue) return rows;
  const sign = order.direction === 'asc' ? 1 : -1;
  return rows
    .map(row => ({ row, value: sortValue(row) }))
    .sort((a, b) => sign * compare(a.value, b.value))
    .map(({ row }) => row);
}

/** A header click sorts by its column ascending, a second one descending. */
export function useSortOrder(initial?: SortOrder) {
  const [order, setOrder] = useState<SortOrder | undefined>(initial);
  const sortBy = (column: string) =>
    setOrder(current => ({
      column,
      direction:
        current?.column === column && current.direction === 'asc'
          ? 'desc'
          : 'asc',
    }));
  return { order, sortBy };
}

/**
 * A table's header row: a sorting column's header holds one button (its
 * TableSortLabel) and says its order with aria-sort; no other control, so
 * there is one tab stop per sorting column and nothing nested.
 */
export function SortableTableHead<Row>(props: {
  columns: SortableColumn<Row>[];
  order: SortOrder | undefined;
  onSort: (column: string) => void;
}) {
  const { columns, order, onSort } = props;
  const classes = useStyles();
  return (
    <TableHead>
      <TableRow>
        {columns.map(({ title, sortValue }) => {
          const direction = order?.column === title ? order.direction : false;
          return (
            <TableCell
              key={title}
              sortDirection={direction}
              className={classes.cell}
            >
              {sortValue ? (
                <TableSortLabel
                  active={direction !== false}
                  direction={direction || 'asc'}
                  onClick={() => onSort(title)}
                >
                  {title}
                </TableSortLabel>
              ) : (
                title
              )}
            </TableCell>
          );
        })}
      </TableRow>
    </TableHead>
  );
}

/** A row's cells: the first column's is the row's header. */
export function SortableTableRow<Row>(props: {
  columns: SortableColumn<Row>[];
  row: Row;
}) {
  const [header, ...cells] = props.columns;
  const classes = useStyles();
  return (
    <TableRow>
      <TableCell
        component="th"
        scope="row"
        role="rowheader"
        className={classes.cell}
      >
        {header.render(props.row)}
      </TableCell>
      {cells.map(c => (
        <TableCell key={c.title} className={classes.cell}>
          {c.render(props.row)}
        </TableCell>
      ))}
    </TableRow>
  );
}
