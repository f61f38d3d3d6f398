import { deriveNamespaceWarnings } from '.';
import { analyzeNamespace } from '../analysis';
import { buildMeshContext } from '../mesh';
import { findNamespace, type ClusterSnapshot } from '../snapshot';
import { istio10Snapshot, maistra09Snapshot } from '../__fixtures__/legacy';
import {
  injectorDownFailClosed,
  injectorWebhookGone,
  restartWouldStall,
} from './legacyInjector';
import { servedNamespace } from './testUtils';

function codes(snapshot: ClusterSnapshot, name: string): string[] {
  const analysis = analyzeNamespace(
    buildMeshContext(snapshot),
    findNamespace(snapshot, name)!,
  );
  return deriveNamespaceWarnings(analysis).map(w => w.code);
}

describe('warnings of the injector before istiod', () => {
  describe('injector down, webhook failing closed', () => {
    it('blocks every namespace the Maistra webhook selects, opted in or not, with the way out', () => {
      const snapshot = maistra09Snapshot({ injectorReady: false });
      const [finding] = injectorDownFailClosed.detect(
        servedNamespace(snapshot, 'sleep'),
      );
      expect(finding.message).toContain(
        'failed calling admission webhook "sidecar-injector.istio.io" ... connection refused',
      );
      expect(finding.message).toContain(
        "label the operator's own namespace istio.openshift.com/ignore-namespace (kubectl label namespace istio-operator",
      );
      expect(codes(snapshot, 'httpbin')).toContain(
        'SM-INJECTOR-DOWN-FAIL-CLOSED',
      );
    });

    it('leaves namespaces the webhook skips alone', () => {
      const snapshot = maistra09Snapshot({ injectorReady: false });
      expect(
        injectorDownFailClosed.detect(
          servedNamespace(snapshot, 'legacy-batch'),
        ),
      ).toEqual([]);
      const istio = istio10Snapshot({ injectorReady: false });
      expect(codes(istio, 'ledger')).not.toContain(
        'SM-INJECTOR-DOWN-FAIL-CLOSED',
      );
      expect(codes(istio, 'bookinfo')).toContain(
        'SM-INJECTOR-DOWN-FAIL-CLOSED',
      );
    });

    it('says nothing when the webhook fails open', () => {
      const snapshot = istio10Snapshot({ injectorReady: false });
      snapshot.mutatingWebhookConfigurations[0].webhooks![0].failurePolicy =
        'Ignore';
      expect(
        injectorDownFailClosed.detect(servedNamespace(snapshot, 'bookinfo')),
      ).toEqual([]);
    });

    it('replaces the istiod wording of SM-INJECTOR-NOT-READY', () => {
      expect(
        codes(istio10Snapshot({ injectorReady: false }), 'bookinfo'),
      ).not.toContain('SM-INJECTOR-NOT-READY');
    });
  });

  describe('injector running, webhook configuration gone', () => {
    it('warns where sidecars are wanted', () => {
      const snapshot = istio10Snapshot({ webhook: false });
      const [finding] = injectorWebhookGone.detect(
        servedNamespace(snapshot, 'bookinfo'),
      );
      expect(finding.message).toContain(
        'is running, but its MutatingWebhookConfiguration is gone: injection has silently stopped',
      );
      expect(codes(snapshot, 'ledger')).not.toContain(
        'SM-INJECTOR-WEBHOOK-GONE',
      );
    });

    it('warns for a Maistra namespace whose workloads opt in', () => {
      const snapshot = maistra09Snapshot({ webhook: false });
      expect(codes(snapshot, 'httpbin')).toContain('SM-INJECTOR-WEBHOOK-GONE');
      expect(codes(snapshot, 'sleep')).not.toContain(
        'SM-INJECTOR-WEBHOOK-GONE',
      );
    });
  });

  describe('a restart that would stall', () => {
    it('warns about the workloads waiting for a restart while the injector is down', () => {
      const snapshot = istio10Snapshot({ injectorReady: false });
      const ledger = findNamespace(snapshot, 'bookinfo')!;
      // A second workload of bookinfo without its sidecar yet.
      snapshot.pods = snapshot.pods.map(p =>
        p.metadata.namespace === 'bookinfo'
          ? {
              ...p,
              spec: {
                containers: p.spec.containers.filter(
                  c => c.name !== 'istio-proxy',
                ),
              },
            }
          : p,
      );
      const [finding] = restartWouldStall.detect(
        servedNamespace(snapshot, ledger.metadata.name),
      );
      expect(finding.message).toBe(
        '1 workload here need a restart, but its new pods would be rejected by the injection webhook and the rollout would stall; the restart action refuses until the injector istio-sidecar-injector in istio-system is back (or unless forced).',
      );
    });

    it('says nothing when nothing waits for a restart', () => {
      expect(
        restartWouldStall.detect(
          servedNamespace(
            istio10Snapshot({ injectorReady: false }),
            'bookinfo',
          ),
        ),
      ).toEqual([]);
    });
  });
});
