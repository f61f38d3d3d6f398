export { WorkloadsTable } from './WorkloadsTable';
export type { WorkloadsTableProps } from './WorkloadsTable';
