import { ClusterApi, KubeObject } from '../../apiserver/types';
import { INSTALLATIONS } from '../../meshCrds';
import {
  Condition,
  EventRecorder,
  JOBS,
  SERVICE_ACCOUNTS,
  listIfServed,
  ownerReference,
  upsert,
  writeStatus,
} from '../common';
import { applyObservabilityAddons } from '../observability';
import { queueKey, reconcileQueue } from '../workQueue';
import { applyLegacyControlPlane } from './controlPlane';
import { LegacyControlPlane } from './model';

/** The Job the Maistra 0.x operator runs to install (openshift-ansible's istio role). */
export const INSTALLER_JOB = 'openshift-ansible-istio-installer-job';

export interface InstallationSpec {
  deployment_type?: string;
  istio?: {
    authentication?: boolean;
    community?: boolean;
    prefix?: string;
    version?: string;
  };
  jaeger?: { prefix?: string; version?: string };
  kiali?: { prefix?: string; version?: string };
}

export interface InstallationControllerOptions {
  /** Where the control plane goes; Maistra 0.x always used `istio-system`. */
  controlPlaneNamespace?: string;
  /** The image registry the installer pulls from. */
  registry?: string;
  /** What the installer lays out, given the Installation's version and prefix. */
  controlPlane: (
    spec: InstallationSpec,
  ) => Omit<LegacyControlPlane, 'namespace'>;
}

const isComplete = (job: KubeObject | undefined) =>
  !!(job?.status as { conditions?: Condition[] } | undefined)?.conditions?.some(
    c => c.type === 'Complete' && c.status === 'True',
  );

/**
 * The Maistra 0.x `istio-operator`, simulated: an `Installation` without a
 * completed install gets the installer Job; once the Job is Complete the
 * control plane it would have applied is laid out in `istio-system`, with
 * the add-ons behind Routes, and the Installation's status says so. The
 * Job is left Completed. As with the real installer, nothing repairs the
 * control plane afterwards: a scaled-down injector or a deleted webhook
 * stays so.
 */
export function startInstallationController(
  api: ClusterApi,
  options: InstallationControllerOptions,
): () => void {
  const namespace = options.controlPlaneNamespace ?? 'istio-system';
  const registry = options.registry ?? 'registry.access.redhat.com';
  const events = new EventRecorder(api, 'istio-operator');

  const reconcileInstallation = (ns: string | undefined, name: string) => {
    const installation = api.get(INSTALLATIONS, ns, name);
    if (!installation) return;
    const spec = (installation.spec ?? {}) as InstallationSpec;
    const state = (installation.status as { state?: string } | undefined)
      ?.state;
    if (state === 'Successful Installation') return;
    const job = api.get(JOBS, ns, INSTALLER_JOB);
    if (!job) {
      upsert(api, SERVICE_ACCOUNTS, {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'openshift-ansible', namespace: ns },
      });
      api.create(JOBS, installerJob(installation, spec, registry));
      events.record(
        installation,
        'Normal',
        'Installing',
        `Created job ${INSTALLER_JOB}`,
      );
      writeStatus(api, INSTALLATIONS, installation, {
        state: 'Installing',
      });
      return;
    }
    if (!isComplete(job)) return;
    const controlPlane = options.controlPlane(spec);
    applyLegacyControlPlane(api, { ...controlPlane, namespace });
    applyObservabilityAddons(api, {
      namespace,
      addons: ['prometheus', 'grafana', 'tracing', 'kiali'],
      exposure: 'route',
      redHatImages: true,
      managedBy: controlPlane.managedBy,
      labels: controlPlane.labels,
    });
    writeStatus(api, INSTALLATIONS, installation, {
      state: 'Successful Installation',
      spec,
    });
  };

  const queue = reconcileQueue({ Installation: reconcileInstallation });
  const unsubscribe = api.subscribe(event => {
    const { group, plural } = event.resource;
    const { namespace: ns, name } = event.object.metadata;
    if (group === INSTALLATIONS.group && plural === INSTALLATIONS.plural) {
      queue.add(queueKey('Installation', ns, name!));
    } else if (
      group === JOBS.group &&
      plural === JOBS.plural &&
      name === INSTALLER_JOB
    ) {
      for (const installation of listIfServed(api, INSTALLATIONS)) {
        if (installation.metadata.namespace === ns) {
          queue.add(queueKey('Installation', ns, installation.metadata.name!));
        }
      }
    }
  });
  for (const installation of listIfServed(api, INSTALLATIONS)) {
    queue.add(
      queueKey(
        'Installation',
        installation.metadata.namespace,
        installation.metadata.name!,
      ),
    );
  }
  return () => {
    unsubscribe();
    queue.stop();
  };
}

function installerJob(
  installation: KubeObject,
  spec: InstallationSpec,
  registry: string,
): KubeObject {
  const prefix = spec.istio?.prefix ?? 'openshift-istio-tech-preview/';
  const version = spec.istio?.version ?? '0.9.0';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: INSTALLER_JOB,
      namespace: installation.metadata.namespace,
      labels: { app: 'openshift-ansible-istio-installer' },
      ownerReferences: [ownerReference(installation)],
    },
    spec: {
      backoffLimit: 6,
      completions: 1,
      parallelism: 1,
      template: {
        metadata: {
          labels: { app: 'openshift-ansible-istio-installer' },
        },
        spec: {
          serviceAccountName: 'openshift-ansible',
          restartPolicy: 'Never',
          containers: [
            {
              name: 'openshift-ansible-istio-installer',
              image: `${registry}/${prefix}openshift-ansible:${version}`,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'INVENTORY_FILE', value: '/tmp/inventory' },
                {
                  name: 'PLAYBOOK_FILE',
                  value: 'playbooks/openshift-istio/config.yml',
                },
                { name: 'OPTS', value: '-vvv' },
              ],
            },
          ],
        },
      },
    },
  };
}
