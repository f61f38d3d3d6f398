/**
 * Types, permissions and constants shared by the service-mesh frontend and
 * backend plugins.
 *
 * @packageDocumentation
 */

export * from './labelSelector';
