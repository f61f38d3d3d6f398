import { badRequest } from './status';

/**
 * How the pods of a broken workload fail once they start: `unready` (the
 * app runs but its readiness probe fails) or `crashLoop` (the app exits,
 * CrashLoopBackOff).
 *
 * @public
 */
export type PodFailureMode = 'unready' | 'crashLoop';

/** The workload kinds a fault can name; `Pod` names a bare pod. @public */
export type FaultWorkloadKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Pod';

/** @public */
export interface WorkloadRef {
  namespace: string;
  /** Default `Deployment`. */
  kind?: FaultWorkloadKind;
  name: string;
}

/**
 * A workload whose pods fail from their next start (a restart, a scale-up,
 * a replacement) until the fault is removed. Pods running when it is set
 * are left alone.
 *
 * @public
 */
export interface WorkloadFault extends WorkloadRef {
  mode: PodFailureMode;
}

const MODES: PodFailureMode[] = ['unready', 'crashLoop'];
const KINDS: FaultWorkloadKind[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Pod',
];

const keyOf = (ref: WorkloadRef) =>
  `${ref.namespace}/${ref.kind ?? 'Deployment'}/${ref.name}`;

function validWorkloadRef(ref: Partial<WorkloadRef>): WorkloadRef {
  if (typeof ref.namespace !== 'string' || !ref.namespace) {
    throw badRequest('namespace is required');
  }
  if (typeof ref.name !== 'string' || !ref.name) {
    throw badRequest('name is required');
  }
  const kind = ref.kind ?? 'Deployment';
  if (!KINDS.includes(kind)) {
    throw badRequest(`kind must be one of ${KINDS.join(', ')}, got ${kind}`);
  }
  return { namespace: ref.namespace, kind, name: ref.name };
}

/** The broken workloads of one cluster; listeners hear of every change. */
export class WorkloadFaultRegistry {
  readonly #faults = new Map<string, WorkloadFault>();
  readonly #listeners = new Set<() => void>();

  set(fault: Partial<WorkloadFault>): WorkloadFault {
    const ref = validWorkloadRef(fault);
    if (!MODES.includes(fault.mode as PodFailureMode)) {
      throw badRequest(
        `mode must be one of ${MODES.join(', ')}, got ${fault.mode}`,
      );
    }
    const added = { ...ref, mode: fault.mode as PodFailureMode };
    this.#faults.set(keyOf(ref), added);
    this.#changed();
    return { ...added };
  }

  /** Heals one workload; returns whether it was broken. */
  remove(ref: Partial<WorkloadRef>): boolean {
    const removed = this.#faults.delete(keyOf(validWorkloadRef(ref)));
    if (removed) this.#changed();
    return removed;
  }

  clear(): void {
    if (this.#faults.size === 0) return;
    this.#faults.clear();
    this.#changed();
  }

  list(): WorkloadFault[] {
    return [...this.#faults.values()].map(fault => ({ ...fault }));
  }

  failureOf(ref: WorkloadRef): PodFailureMode | undefined {
    return this.#faults.get(keyOf(ref))?.mode;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
