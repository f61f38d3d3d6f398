export { NamespacesTable, namespaceRevision } from './NamespacesTable';
