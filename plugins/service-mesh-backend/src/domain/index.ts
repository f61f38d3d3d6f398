/*
 * The pure mesh domain: no I/O, no clock. Everything here works on plain
 * snapshots of cluster objects and returns plain data.
 */
export * from './kube';
export * from './snapshot';
export * from './injection';
export * from './proxies';
export * from './controlPlane';
export * from './flavours';
export * from './mesh';
export * from './workloads';
export * from './guards';
export * from './links';
export * from './sidecarScope';
export * from './sidecarSchema';
export * from './analysis';
export * from './status';
export * from './warnings';
export * from './plans';
