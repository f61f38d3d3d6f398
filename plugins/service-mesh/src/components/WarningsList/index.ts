export { WarningsList } from './WarningsList';
export type { WarningsListProps } from './WarningsList';
