import { injectorOutage, injectorWayOut } from '../flavours/legacyLayout';
import { WARNING_CODES } from './codes';
import { plural } from './common';
import type { ServedNamespace, WarningRule } from './types';

/*
 * Failures of the separate sidecar injector of Istio 1.0–1.4, Maistra 0.x
 * and OSSM 1.x, as they were seen on those versions.
 */

function outageOf(analysis: ServedNamespace) {
  return injectorOutage(
    analysis.controlPlane.injector,
    analysis.namespace,
    analysis.context.snapshot.mutatingWebhookConfigurations,
  );
}

function where(analysis: ServedNamespace): string {
  const injector = analysis.controlPlane.injector!;
  return `${injector.service} in ${injector.namespace}`;
}

/** Whether anything here wants a sidecar: membership, an opted-in template, or running proxies. */
function wantsSidecars(analysis: ServedNamespace): boolean {
  return (
    analysis.membership.member ||
    analysis.workloads.some(
      w =>
        w.status.podsWithSidecar > 0 ||
        ['true', 'yes', 'y', 'on'].includes(
          (w.status.injectAnnotation ?? '').toLowerCase(),
        ),
    )
  );
}

/**
 * The injector is not Ready while its webhook, failing closed, takes this
 * namespace's pods: every new pod is rejected, whether it opts in or not.
 */
export const injectorDownFailClosed: WarningRule = {
  code: WARNING_CODES.injectorDownFailClosed,
  severity: 'error',
  detect(analysis) {
    if (outageOf(analysis) !== 'injectorDown') {
      return [];
    }
    return [
      {
        message: `The sidecar injector ${where(
          analysis,
        )} is not ready, and its webhook has failurePolicy Fail and selects this namespace: no new pod can be created here (failed calling admission webhook "sidecar-injector.istio.io" ... connection refused), whether it opts in or not, and restarts stall. Way out: ${injectorWayOut(
          analysis.controlPlane,
        )}.`,
      },
    ];
  },
};

/** The injector runs, but nothing calls it: new pods start without a sidecar and nothing says so. */
export const injectorWebhookGone: WarningRule = {
  code: WARNING_CODES.injectorWebhookGone,
  severity: 'error',
  detect(analysis) {
    if (outageOf(analysis) !== 'webhookGone' || !wantsSidecars(analysis)) {
      return [];
    }
    const running = analysis.controlPlane.injector!.ready
      ? 'is running, but'
      : 'is not ready, and';
    return [
      {
        message: `The sidecar injector ${where(
          analysis,
        )} ${running} its MutatingWebhookConfiguration is gone: injection has silently stopped, so new pods here start without a sidecar. Restore the webhook configuration (re-run the installer or the Helm release of the control plane).`,
      },
    ];
  },
};

/** Workloads waiting for a restart that, now, would stall or lose their sidecars. */
export const restartWouldStall: WarningRule = {
  code: WARNING_CODES.restartWouldStall,
  severity: 'warning',
  detect(analysis) {
    const outage = outageOf(analysis);
    const waiting = analysis.workloads.filter(w => w.status.restartNeeded);
    if (!outage || waiting.length === 0) {
      return [];
    }
    if (outage === 'webhookGone' && !wantsSidecars(analysis)) {
      return [];
    }
    const why =
      outage === 'injectorDown'
        ? 'its new pods would be rejected by the injection webhook and the rollout would stall'
        : 'its new pods would come up without a sidecar';
    return [
      {
        message: `${plural(
          waiting.length,
          'workload',
        )} here need a restart, but ${why}; the restart action refuses until the injector ${where(
          analysis,
        )} is back (or unless forced).`,
      },
    ];
  },
};
