import {
  ISTIO_INJECTION_LABEL,
  ISTIO_REVISION_LABEL,
} from '@mesh-backstage/plugin-service-mesh-common';
import type { ControlPlaneModel, RevisionModel } from '../controlPlane';
import { normalizeVersion } from '../controlPlane';
import { isInjectionWebhook, webhookConfigurationRevision } from '../injection';
import { labelsOf, type ValidatingWebhookConfiguration } from '../kube';
import { isActivePod, podProxy } from '../proxies';
import { inNamespace, isOpenShift, type ClusterSnapshot } from '../snapshot';
import type { PrecheckName, PrecheckResult, UpgradeOptions } from './types';

/**
 * The Istio control plane may be one minor version ahead of the data plane,
 * and the data plane may not be ahead of it
 * (istio.io/latest/docs/releases/supported-releases, "Control Plane/Data
 * Plane Skew").
 */
export const MAX_CONTROL_PLANE_LEAD = 1;

/** What the prechecks look at, found by the planner. */
export interface PrecheckInput {
  snapshot: ClusterSnapshot;
  controlPlane: ControlPlaneModel;
  fromRevision: string;
  targetRevision: string;
  targetVersion?: string;
  /** The target revision as found now; absent when an operator creates it during the upgrade. */
  target?: RevisionModel;
  /** The control plane is upgraded in place (OSSM 2): proxies talk to the new istiod before their restart. */
  inPlace: boolean;
  /** Namespaces the plan moves. */
  namespaces: string[];
  /** Tags the plan moves. */
  movedTags: string[];
  force: UpgradeOptions['force'];
}

type Outcome = { passed: boolean; message: string; details?: string[] };

function minorOf(version: string | undefined): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(normalizeVersion(version) ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function targetReady(input: PrecheckInput): Outcome {
  const { target, targetRevision } = input;
  if (!target) {
    return {
      passed: true,
      message: `Revision ${targetRevision} does not exist yet: the operator creates it, and the upgrade waits for it to be Ready`,
    };
  }
  if (input.inPlace) {
    return {
      passed: target.ready,
      message: target.ready
        ? `Control plane ${targetRevision} is Ready; it rolls to ${input.targetVersion} in place`
        : `Control plane ${targetRevision} is not Ready: fix it before upgrading`,
    };
  }
  const passed = target.ready && target.injectorReady;
  return {
    passed,
    message: passed
      ? `istiod and the injector of ${targetRevision} are Ready`
      : `${
          target.ready ? 'The injector' : 'istiod'
        } of ${targetRevision} is not Ready`,
  };
}

/** Every injection webhook that calls the target's istiod, or the tags being moved. */
function injectorWebhook(input: PrecheckInput): Outcome {
  const { snapshot, target, targetRevision } = input;
  if (!target && !input.inPlace) {
    return {
      passed: true,
      message: `The webhook of ${targetRevision} is created with the revision`,
    };
  }
  if (!target?.webhookPresent) {
    return {
      passed: false,
      message: `No MutatingWebhookConfiguration injects for ${targetRevision}: restarted pods would get no sidecar`,
    };
  }
  // Each webhook restarted pods call must reach a ready istiod.
  const serviceReady = (service: string | undefined) => {
    const revision =
      service === 'istiod' ? 'default' : service?.replace(/^istiod-/, '');
    return input.controlPlane.revisions.some(
      r => r.name === revision && r.injectorReady,
    );
  };
  const dead = snapshot.mutatingWebhookConfigurations.filter(
    config =>
      webhookConfigurationRevision(config) === targetRevision &&
      (config.webhooks ?? []).some(
        w =>
          isInjectionWebhook(w) &&
          (w.failurePolicy ?? 'Fail') === 'Fail' &&
          !serviceReady(w.clientConfig?.service?.name),
      ),
  );
  if (dead.length > 0) {
    return {
      passed: false,
      message: `The injector behind ${dead
        .map(c => c.metadata.name)
        .join(
          ', ',
        )} is down and its failurePolicy is Fail: every restarted pod would fail to be created`,
      details: dead.map(c => c.metadata.name),
    };
  }
  return {
    passed: true,
    message: `The injection webhook of ${targetRevision} exists and its istiod is Ready`,
  };
}

/** Analyzer IST0123: `istio-injection` wins, so `istio.io/rev` is ignored. */
function conflictingLabels(input: PrecheckInput): Outcome {
  const both = input.snapshot.namespaces
    .filter(ns => {
      const labels = labelsOf(ns);
      return (
        labels[ISTIO_INJECTION_LABEL] !== undefined &&
        labels[ISTIO_REVISION_LABEL] !== undefined
      );
    })
    .map(ns => ns.metadata.name);
  return both.length === 0
    ? { passed: true, message: 'No namespace has both injection labels' }
    : {
        passed: false,
        message: `${both.join(', ')} ha${
          both.length === 1 ? 's' : 've'
        } both istio-injection and istio.io/rev (IST0123): istio.io/rev is ignored there`,
        details: both,
      };
}

/** Proxies that will talk to the target before they are restarted must be within the supported skew. */
function proxySkew(input: PrecheckInput): Outcome {
  const target = minorOf(input.targetVersion);
  if (!target) {
    return {
      passed: true,
      message: 'The target version is not known: skew not checked',
    };
  }
  const outOfRange = new Map<string, number>();
  for (const pod of input.snapshot.pods.filter(isActivePod)) {
    const proxy = podProxy(pod);
    const version = minorOf(proxy?.version);
    if (!proxy || proxy.revision !== input.fromRevision || !version) {
      continue;
    }
    const lead = target[0] === version[0] ? target[1] - version[1] : Number.NaN;
    const supported = input.inPlace
      ? lead >= 0 && lead <= MAX_CONTROL_PLANE_LEAD
      : // Revision-based: old proxies keep their own istiod; only a
        // downgrade puts a newer proxy beside an older control plane.
        lead >= 0;
    if (!supported) {
      const key = `${normalizeVersion(proxy.version)}`;
      outOfRange.set(key, (outOfRange.get(key) ?? 0) + 1);
    }
  }
  if (outOfRange.size === 0) {
    return {
      passed: true,
      message: `Every ${input.fromRevision} proxy is within the supported skew of ${input.targetVersion}`,
    };
  }
  const details = [...outOfRange].map(
    ([version, pods]) => `${pods} pods on ${version}`,
  );
  return {
    passed: false,
    message: `${details.join(', ')} would run beside control plane ${
      input.targetVersion
    }, outside the supported skew (control plane at most ${MAX_CONTROL_PLANE_LEAD} minor version ahead, never behind)`,
    details,
  };
}

const DEFAULT_VALIDATOR = 'istiod-default-validator';

/**
 * After a removal, a validator pointing at a deleted istiod rejects all Istio
 * config (istio#43227). Per-revision validators (`istio-validator-<rev>-<ns>`)
 * are removed with their revision, so only the default validator can be left
 * pointing at nothing.
 */
function validatingWebhook(input: PrecheckInput): Outcome {
  const configs = input.snapshot.validatingWebhookConfigurations;
  if (configs === undefined) {
    return {
      passed: true,
      message: 'Validating webhooks were not read: not checked',
    };
  }
  if (input.inPlace) {
    return {
      passed: true,
      message: 'The revision stays the same: validation keeps working',
    };
  }
  const remaining = new Set([
    ...input.controlPlane.revisions.map(r => r.name),
    input.targetRevision,
  ]);
  remaining.delete(input.fromRevision);
  const defaultValidator = configs.find(
    c => c.metadata.name === DEFAULT_VALIDATOR,
  );
  const revision = defaultValidator && validatorRevision(defaultValidator);
  // `istioctl tag set default` repoints the default validator.
  if (
    revision === undefined ||
    remaining.has(revision) ||
    input.movedTags.includes('default')
  ) {
    return {
      passed: true,
      message:
        'The default validating webhook points at a revision that remains',
    };
  }
  const detail = `${DEFAULT_VALIDATOR} → ${revision}`;
  return {
    passed: false,
    message: `${detail}: once ${input.fromRevision} is removed, Istio config is rejected; move the default tag or repoint the validator`,
    details: [detail],
  };
}

/** The validator's `istio.io/rev` label, else its istiod service's name. */
function validatorRevision(
  config: ValidatingWebhookConfiguration,
): string | undefined {
  const label = config.metadata.labels?.[ISTIO_REVISION_LABEL];
  if (label) return label;
  const service = config.webhooks?.find(w => w.clientConfig?.service)
    ?.clientConfig?.service?.name;
  if (service === 'istiod') return 'default';
  return service?.startsWith('istiod-')
    ? service.slice('istiod-'.length)
    : undefined;
}

/** On OpenShift with Istio CNI, pods need the namespace's `istio-cni` NetworkAttachmentDefinition. */
function cniNetworkAttachments(input: PrecheckInput): Outcome {
  const { snapshot } = input;
  const usesCni =
    (snapshot.istioCNIs?.length ?? 0) > 0 ||
    snapshot.workloads.some(w => w.metadata.name === 'istio-cni-node');
  const attachments = snapshot.networkAttachmentDefinitions;
  if (!isOpenShift(snapshot) || !usesCni || attachments === undefined) {
    return {
      passed: true,
      message: 'Not OpenShift with Istio CNI: not needed',
    };
  }
  if (input.inPlace) {
    return {
      passed: true,
      message:
        'The OSSM 2 operator creates the attachments of the new version in member namespaces',
    };
  }
  const missing = input.namespaces.filter(
    ns =>
      !inNamespace(attachments, ns).some(a => a.metadata.name === 'istio-cni'),
  );
  return missing.length === 0
    ? {
        passed: true,
        message:
          'Every namespace has its istio-cni NetworkAttachmentDefinition',
      }
    : {
        passed: false,
        message: `${missing.join(
          ', ',
        )} lack the istio-cni NetworkAttachmentDefinition: restarted pods would fail to start`,
        details: missing,
      };
}

const PRECHECKS: [PrecheckName, (input: PrecheckInput) => Outcome][] = [
  ['targetReady', targetReady],
  ['injectorWebhook', injectorWebhook],
  ['conflictingLabels', conflictingLabels],
  ['proxySkew', proxySkew],
  ['validatingWebhook', validatingWebhook],
  ['cniNetworkAttachments', cniNetworkAttachments],
];

export function isForced(force: UpgradeOptions['force'], name: PrecheckName) {
  return force === true || (Array.isArray(force) && force.includes(name));
}

/** Every precheck, each a named result; a failed one blocks unless forced. */
export function runPrechecks(input: PrecheckInput): PrecheckResult[] {
  return PRECHECKS.map(([name, check]) => {
    const outcome = check(input);
    const forced = !outcome.passed && isForced(input.force, name);
    return {
      name,
      passed: outcome.passed,
      forced,
      blocking: !outcome.passed && !forced,
      message: outcome.message,
      ...(outcome.details ? { details: outcome.details } : {}),
    };
  });
}
