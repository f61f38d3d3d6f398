import { decideInjection, InjectionRules } from './injection';
import { injectorPolicyOf, injectorRequires } from './injectorPolicy';
import {
  buildMeshContext,
  injectionRulesFor,
  servingControlPlane,
} from './mesh';
import { findNamespace, type ClusterSnapshot } from './snapshot';
import {
  injectorConfigMap,
  istio10Snapshot,
  MAISTRA_INJECTOR_CONFIG,
  maistra09Snapshot,
  ossm1Snapshot,
} from './__fixtures__/legacy';

/** The rules a namespace of the snapshot is decided by, and the namespace. */
function rulesAt(snapshot: ClusterSnapshot, name: string) {
  const context = buildMeshContext(snapshot);
  const namespace = findNamespace(snapshot, name)!;
  const rules = injectionRulesFor(
    context,
    servingControlPlane(context, namespace),
  );
  return {
    rules,
    decide: (pod: Parameters<typeof decideInjection>[1]) =>
      decideInjection(
        { name, labels: namespace.metadata.labels },
        pod,
        rules as InjectionRules,
      ),
  };
}

const OPT_IN = { annotations: { 'sidecar.istio.io/inject': 'true' } };

describe('injection before istiod, decided by the webhook and the injector', () => {
  it('uses the injector style for Istio 1.0, Maistra 0.9 and OSSM 1', () => {
    for (const snapshot of [
      istio10Snapshot(),
      maistra09Snapshot(),
      ossm1Snapshot(),
    ]) {
      const name = snapshot.namespaces.at(-1)!.metadata.name;
      expect(rulesAt(snapshot, name).rules).toMatchObject({
        style: 'injector',
        revision: 'default',
        service: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
      });
    }
  });

  describe('Maistra 0.9: namespaceSelector DoesNotExist on the ignore label', () => {
    it('sends the pods of an unlabelled namespace to the injector', () => {
      expect(rulesAt(maistra09Snapshot(), 'sleep').decide(OPT_IN)).toEqual({
        injected: true,
        revision: 'default',
        via: 'podOptIn',
      });
    });

    it('skips a namespace labelled istio.openshift.com/ignore-namespace, opted in or not', () => {
      expect(
        rulesAt(maistra09Snapshot(), 'legacy-batch').decide(OPT_IN),
      ).toEqual({ injected: false, reason: 'ignoredNamespace' });
    });

    it('skips the ignored namespace whatever value the label has (DoesNotExist)', () => {
      const snapshot = maistra09Snapshot();
      findNamespace(snapshot, 'sleep')!.metadata.labels = {
        'istio.openshift.com/ignore-namespace': '',
      };
      expect(rulesAt(snapshot, 'sleep').decide(OPT_IN)).toMatchObject({
        injected: false,
      });
    });
  });

  it("honours the webhook's objectSelector before the injector sees the pod", () => {
    const snapshot = maistra09Snapshot();
    snapshot.mutatingWebhookConfigurations[0].webhooks![0].objectSelector = {
      matchExpressions: [{ key: 'skip-mesh', operator: 'DoesNotExist' }],
    };
    const at = rulesAt(snapshot, 'sleep');
    expect(at.decide(OPT_IN)).toMatchObject({ injected: true });
    expect(at.decide({ ...OPT_IN, labels: { 'skip-mesh': 'yes' } })).toEqual({
      injected: false,
      reason: 'noInjectionLabel',
    });
  });

  describe('policy disabled: only the annotation opts a pod in', () => {
    it('leaves a pod without the annotation alone', () => {
      expect(rulesAt(maistra09Snapshot(), 'sleep').decide({})).toEqual({
        injected: false,
        reason: 'notOptedIn',
      });
    });

    it('reads the annotation, not the label, as the 1.x injector does', () => {
      expect(
        rulesAt(maistra09Snapshot(), 'sleep').decide({
          labels: { 'sidecar.istio.io/inject': 'true' },
        }),
      ).toEqual({ injected: false, reason: 'notOptedIn' });
    });

    it('treats an annotation other than true/yes/on as an opt-out', () => {
      expect(
        rulesAt(maistra09Snapshot(), 'sleep').decide({
          annotations: { 'sidecar.istio.io/inject': 'false' },
        }),
      ).toEqual({ injected: false, reason: 'optedOut' });
    });

    it('opts OSSM 1 member pods in with the annotation only', () => {
      const at = rulesAt(ossm1Snapshot(), 'bookinfo');
      expect(at.decide({})).toMatchObject({ injected: false });
      expect(at.decide(OPT_IN)).toMatchObject({ injected: true });
      expect(rulesAt(ossm1Snapshot(), 'shop').decide(OPT_IN)).toEqual({
        injected: false,
        reason: 'noInjectionLabel',
      });
    });
  });

  describe('neverInjectSelector and alwaysInjectSelector', () => {
    const buildPod = {
      labels: { 'openshift.io/build.name': 'sleep-1', app: 'sleep' },
    };

    it('keeps build pods out under policy enabled', () => {
      const snapshot = istio10Snapshot();
      snapshot.configMaps = [
        injectorConfigMap(
          'istio-system',
          MAISTRA_INJECTOR_CONFIG.replace('disabled', 'enabled'),
        ),
      ];
      const at = rulesAt(snapshot, 'bookinfo');
      expect(at.decide(buildPod)).toEqual({
        injected: false,
        reason: 'neverInjectSelector',
      });
      expect(at.decide({ labels: { app: 'web' } })).toMatchObject({
        injected: true,
        via: 'namespaceInjectionLabel',
      });
    });

    it('lets the annotation win over the selectors', () => {
      const snapshot = maistra09Snapshot();
      expect(
        rulesAt(snapshot, 'sleep').decide({ ...buildPod, ...OPT_IN }),
      ).toMatchObject({ injected: true });
    });

    it('injects alwaysInjectSelector pods under policy disabled, never first', () => {
      const policy = injectorPolicyOf(
        injectorConfigMap(
          'ns',
          `policy: disabled
neverInjectSelector: [{ matchLabels: { tier: batch } }]
alwaysInjectSelector: [{ matchLabels: { app: web } }, {}]`,
        ),
      );
      expect(injectorRequires(policy, { labels: { app: 'web' } })).toEqual({
        inject: true,
        by: 'alwaysInjectSelector',
      });
      expect(
        injectorRequires(policy, { labels: { app: 'web', tier: 'batch' } }),
      ).toEqual({ inject: false, by: 'neverInjectSelector' });
      // An empty selector matches nothing in the injector.
      expect(injectorRequires(policy, { labels: { app: 'db' } })).toEqual({
        inject: false,
        by: 'policy',
      });
    });
  });

  describe('Istio 1.0: namespace label istio-injection=enabled, policy enabled', () => {
    it('injects every pod of a labelled namespace and none of the others', () => {
      expect(rulesAt(istio10Snapshot(), 'bookinfo').decide({})).toEqual({
        injected: true,
        revision: 'default',
        via: 'namespaceInjectionLabel',
      });
      expect(rulesAt(istio10Snapshot(), 'ledger').decide({})).toEqual({
        injected: false,
        reason: 'noInjectionLabel',
      });
    });

    it('injects nothing once the webhook configuration is gone', () => {
      expect(
        rulesAt(istio10Snapshot({ webhook: false }), 'bookinfo').decide({}),
      ).toMatchObject({ injected: false });
    });

    it('falls back to the chart default without the config map', () => {
      expect(injectorPolicyOf(undefined)).toEqual({
        policy: 'enabled',
        neverInjectSelector: [],
        alwaysInjectSelector: [],
      });
      expect(
        injectorPolicyOf(injectorConfigMap('ns', 'policy: [unclosed')),
      ).toMatchObject({ policy: 'enabled' });
    });
  });
});
