import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
  SIDECAR_STATUS_ANNOTATION,
} from '@mesh-backstage/plugin-service-mesh-common';
import { KubeObject, StoreEvent } from '../../apiserver/types';
import { keyOf } from '../common';

/**
 * Which revisions and tags pods and namespaces use, counted from their
 * labels as watch events arrive, so that "in use" is known without a scan.
 * `changed` hears of a value whose use starts or stops.
 */
export class RevisionUsage {
  readonly #podRevision = new Map<string, string>();
  readonly #namespaceRevision = new Map<string, string>();
  readonly #usage = new Map<string, number>();
  #injectionEnabledNamespaces = 0;

  constructor(
    private readonly tagTargets: Map<string, string>,
    private readonly changed: (value: string) => void,
  ) {}

  /** Whether pods or namespaces use a revision, directly or through a tag. */
  revisionInUse(revision: string): boolean {
    if (this.#usageOf(revision) > 0) return true;
    if (revision === 'default' && this.#injectionEnabledNamespaces > 0) {
      return true;
    }
    for (const [tag, target] of this.tagTargets) {
      if (target === revision && this.tagInUse(tag)) return true;
    }
    return false;
  }

  tagInUse(tag: string): boolean {
    return (
      this.#usageOf(tag) > 0 ||
      (tag === 'default' && this.#injectionEnabledNamespaces > 0)
    );
  }

  observePod(event: Pick<StoreEvent, 'type' | 'object'>): void {
    const pod = event.object;
    this.#count(
      this.#podRevision,
      keyOf(pod.metadata.namespace, pod.metadata.name!),
      event.type === 'DELETED' ? undefined : proxyRevisionOf(pod),
    );
  }

  observeNamespace(event: Omit<StoreEvent, 'resource'>): void {
    const { object, type } = event;
    const labels = type === 'DELETED' ? {} : object.metadata.labels ?? {};
    const injection = labels[ISTIO_INJECTION_LABEL];
    const wasEnabled =
      event.oldObject?.metadata.labels?.[ISTIO_INJECTION_LABEL] === 'enabled' ||
      (type === 'DELETED' &&
        object.metadata.labels?.[ISTIO_INJECTION_LABEL] === 'enabled');
    const isEnabled = injection === 'enabled';
    if (wasEnabled !== isEnabled || (type === 'ADDED' && isEnabled)) {
      this.#injectionEnabledNamespaces += isEnabled ? 1 : -1;
      this.changed('default');
    }
    // `istio-injection` wins, so the revision label is unused beside it.
    this.#count(
      this.#namespaceRevision,
      object.metadata.name!,
      injection ? undefined : labels[ISTIO_REVISION_LABEL],
    );
  }

  #usageOf(value: string): number {
    return this.#usage.get(value) ?? 0;
  }

  #count(
    index: Map<string, string>,
    key: string,
    next: string | undefined,
  ): void {
    const previous = index.get(key);
    if (previous === next) return;
    if (previous) {
      const left = this.#usageOf(previous) - 1;
      if (left > 0) this.#usage.set(previous, left);
      else this.#usage.delete(previous);
      if (left === 0) this.changed(previous);
      index.delete(key);
    }
    if (next) {
      this.#usage.set(next, this.#usageOf(next) + 1);
      index.set(key, next);
      if (this.#usageOf(next) === 1) this.changed(next);
    }
  }
}

/**
 * The revision whose proxy a pod runs: only injected pods count (istiod's own
 * pods carry `istio.io/rev` too, but do not use the revision).
 */
function proxyRevisionOf(pod: KubeObject): string | undefined {
  const status = pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION];
  if (!status) return undefined;
  const label = pod.metadata.labels?.[ISTIO_REVISION_LABEL];
  if (label) return label;
  try {
    return JSON.parse(status).revision || 'default';
  } catch {
    return 'default';
  }
}
