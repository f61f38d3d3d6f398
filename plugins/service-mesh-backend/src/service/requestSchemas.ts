import { z } from 'zod/v3';
import type { ServiceMeshActionName } from '@mesh-backstage/plugin-service-mesh-common';

/** A Kubernetes namespace or label value name: an RFC 1123 label. */
const dns1123Label = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a lowercase RFC 1123 label (a-z, 0-9, -; at most 63 characters)',
  );

const workloadRef = z
  .object({
    kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
    name: z.string().min(1).max(253),
  })
  .strict();

const base = {
  cluster: z.string().min(1, 'is required'),
  namespace: dns1123Label,
  dryRun: z.boolean().optional(),
  force: z.boolean().optional(),
};

/** Request bodies per action; unknown fields are refused so typos surface. */
export const actionRequestSchemas: Record<
  ServiceMeshActionName,
  z.ZodType<any>
> = {
  enroll: z
    .object({
      ...base,
      revision: dns1123Label.optional(),
      controlPlaneNamespace: dns1123Label.optional(),
    })
    .strict(),
  unenroll: z
    .object({ ...base, controlPlaneNamespace: dns1123Label.optional() })
    .strict(),
  setInjection: z
    .object({
      ...base,
      injection: z.enum(['enabled', 'disabled', 'removed']),
      workloads: z.array(workloadRef).optional(),
    })
    .strict(),
  switchRevision: z.object({ ...base, revision: dns1123Label }).strict(),
  restart: z
    .object({ ...base, workloads: z.array(workloadRef).min(1).optional() })
    .strict(),
  sidecarEgress: z
    .object({
      ...base,
      name: dns1123Label.optional(),
      hosts: z.array(z.string().min(1)).min(1).max(200).optional(),
      workloadSelector: z.record(z.string(), z.string()).optional(),
    })
    .strict(),
};
