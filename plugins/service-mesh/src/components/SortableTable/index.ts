export {
  SortableTableHead,
  SortableTableRow,
  sortRows,
  useSortOrder,
} from './SortableTable';
export type { SortableColumn, SortOrder, SortValue } from './SortableTable';
