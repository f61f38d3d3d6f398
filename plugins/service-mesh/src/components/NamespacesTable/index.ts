export {
  NamespacesTable,
  namespaceRevision,
  ROWS_PER_PAGE,
} from './NamespacesTable';
