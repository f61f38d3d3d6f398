import { ChangeEvent, useState } from 'react';

export const ROWS_PER_PAGE_OPTIONS = [25, 50, 100];

/**
 * One page of `rows`, and the props of MUI's TablePagination that move
 * through them, so a table renders a page of rows, never all of them. A
 * page past the end (after the rows shrank) shows the last page.
 */
export function usePagedRows<Row>(rows: Row[]) {
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(ROWS_PER_PAGE_OPTIONS[0]);
  const lastPage = Math.max(0, Math.ceil(rows.length / rowsPerPage) - 1);
  const shownPage = Math.min(page, lastPage);
  return {
    pageRows: rows.slice(
      shownPage * rowsPerPage,
      (shownPage + 1) * rowsPerPage,
    ),
    /** Whether the rows fit on the smallest page, so no pagination is needed. */
    fitOnePage: rows.length <= ROWS_PER_PAGE_OPTIONS[0],
    toFirstPage: () => setPage(0),
    paginationProps: {
      count: rows.length,
      page: shownPage,
      rowsPerPage,
      rowsPerPageOptions: ROWS_PER_PAGE_OPTIONS,
      onPageChange: (_: unknown, next: number) => setPage(next),
      onRowsPerPageChange: (
        e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>,
      ) => {
        setRowsPerPage(Number(e.target.value));
        setPage(0);
      },
    },
  };
}
