export { RevisionBarChart } from './RevisionBarChart';
export type { BarDatum } from './RevisionBarChart';
