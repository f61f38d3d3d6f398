import { buildMeshContext } from '../mesh';
import { planEnroll, planRestart, planUnenroll } from '../plans';
import { planSwitchRevision } from '../plans/switchRevision';
import { deriveNamespaceStatus } from '../status';
import {
  istio10Snapshot,
  maistra09Snapshot,
  ossm1Snapshot,
} from '../__fixtures__/legacy';
import { detectControlPlanes } from '.';

const NOW = new Date('2026-12-02T16:00:00Z');

function summaries(outcome: { ok: boolean } & Record<string, any>) {
  expect(outcome).toMatchObject({ ok: true });
  return outcome.change.operations.map((o: any) => ({
    kind: o.kind,
    name: o.name,
    patch: o.patch.filter((p: any) => p.op !== 'test'),
  }));
}

describe('flavours before istiod', () => {
  describe('detection', () => {
    it('finds Istio 1.0 from its Helm Deployments, with the version of the images', () => {
      expect(detectControlPlanes(istio10Snapshot())).toEqual([
        expect.objectContaining({
          flavour: 'istioLegacy',
          namespace: 'istio-system',
          tags: [],
          defaultRevision: 'default',
          revisions: [
            {
              name: 'default',
              version: '1.0.6',
              ready: true,
              injectorReady: true,
              webhookPresent: true,
              istiodDeployment: 'istio-pilot',
            },
          ],
          injector: expect.objectContaining({
            webhookConfiguration: 'istio-sidecar-injector',
            failurePolicy: 'Fail',
            policy: expect.objectContaining({ policy: 'enabled' }),
          }),
        }),
      ]);
    });

    it('finds Maistra 0.9 by its Installation, and not also as Istio 1.x', () => {
      const found = detectControlPlanes(maistra09Snapshot());
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        flavour: 'maistra0',
        name: 'istio-installation',
        namespace: 'istio-system',
        revisions: [{ version: '0.9.0' }],
        injector: { policy: { policy: 'disabled' } },
      });
      expect(found[0].injector!.policy.neverInjectSelector).toHaveLength(2);
    });

    it('finds OSSM 1 from a v1 control plane, but leaves v2 ones to OSSM 2', () => {
      const snapshot = ossm1Snapshot();
      expect(detectControlPlanes(snapshot)).toEqual([
        expect.objectContaining({ flavour: 'ossm1', name: 'basic-install' }),
      ]);
      snapshot.serviceMeshControlPlanes = [
        {
          ...snapshot.serviceMeshControlPlanesV1![0],
          apiVersion: 'maistra.io/v2',
        },
      ];
      expect(detectControlPlanes(snapshot).map(cp => cp.flavour)).toEqual([
        'ossm2',
      ]);
    });

    it('sees a stopped injector and a deleted webhook', () => {
      const [cp] = detectControlPlanes(
        istio10Snapshot({ injectorReady: false, webhook: false }),
      );
      expect(cp.revisions[0]).toMatchObject({
        ready: true,
        injectorReady: false,
        webhookPresent: false,
      });
    });
  });

  describe('status', () => {
    it('reports Istio 1.0 bookinfo in the mesh by its label, with the Servicegraph link', () => {
      const status = deriveNamespaceStatus(
        buildMeshContext(istio10Snapshot()),
        'bookinfo',
      );
      expect(status.controlPlane).toMatchObject({ flavour: 'istioLegacy' });
      expect(status.membership).toEqual({ member: true, via: 'labels' });
      expect(status.injection).toMatchObject({
        mode: 'enabled',
        effectiveRevision: 'default',
        perWorkload: false,
      });
      expect(status.links.servicegraph).toBe(
        'http://servicegraph.istio-system.demo.example.com/force/forcegraph.html?time_horizon=15m&filter_empty=true',
      );
      expect(status.warnings).toEqual([]);
    });

    it('reports Maistra 0.9 namespaces by their workloads opting in', () => {
      const context = buildMeshContext(maistra09Snapshot());
      expect(deriveNamespaceStatus(context, 'httpbin')).toMatchObject({
        membership: { member: true, via: 'podOptIn' },
        injection: { perWorkload: true, effectiveRevision: 'default' },
      });
      const sleep = deriveNamespaceStatus(context, 'sleep');
      expect(sleep.membership).toEqual({ member: false });
      expect(sleep.workloads[0]).toMatchObject({
        name: 'sleep',
        podsWithSidecar: 0,
        restartNeeded: false,
      });
    });
  });

  describe('enrolling', () => {
    it('labels the namespace on Istio 1.0, and refuses a revision', () => {
      const context = buildMeshContext(istio10Snapshot());
      expect(
        summaries(planEnroll(context, { cluster: 'c', namespace: 'ledger' })),
      ).toEqual([
        {
          kind: 'Namespace',
          name: 'ledger',
          patch: [
            {
              op: 'add',
              path: '/metadata/labels/istio-injection',
              value: 'enabled',
            },
          ],
        },
      ]);
      expect(
        planEnroll(context, {
          cluster: 'c',
          namespace: 'ledger',
          revision: 'canary',
        }),
      ).toMatchObject({ ok: false, refusal: { code: 'SM-INPUT-REVISION' } });
      expect(
        summaries(
          planUnenroll(context, { cluster: 'c', namespace: 'bookinfo' }),
        ),
      ).toEqual([
        expect.objectContaining({
          patch: [{ op: 'remove', path: '/metadata/labels/istio-injection' }],
        }),
      ]);
    });

    it('annotates the chosen workloads on Maistra 0.9', () => {
      const context = buildMeshContext(maistra09Snapshot());
      expect(
        summaries(planEnroll(context, { cluster: 'c', namespace: 'sleep' })),
      ).toEqual([
        {
          kind: 'Deployment',
          name: 'sleep',
          patch: [
            {
              op: 'add',
              path: '/spec/template/metadata/annotations',
              value: { 'sidecar.istio.io/inject': 'true' },
            },
          ],
        },
      ]);
    });

    it('removes the ignore label of an ignored namespace on Maistra 0.9, then annotates', () => {
      const context = buildMeshContext(maistra09Snapshot());
      const outcome = planEnroll(context, {
        cluster: 'c',
        namespace: 'legacy-batch',
      });
      expect(summaries(outcome)).toEqual([
        {
          kind: 'Namespace',
          name: 'legacy-batch',
          patch: [
            {
              op: 'remove',
              path: '/metadata/labels/istio.openshift.com~1ignore-namespace',
            },
          ],
        },
      ]);
      // Other actions still leave ignored namespaces alone.
      expect(
        planRestart(context, { cluster: 'c', namespace: 'legacy-batch' }, NOW),
      ).toMatchObject({
        ok: false,
        refusal: { code: 'SM-GUARD-IGNORED-NAMESPACE' },
      });
    });

    it('names an unknown workload as bad input on Maistra 0.9', () => {
      expect(
        planEnroll(buildMeshContext(maistra09Snapshot()), {
          cluster: 'c',
          namespace: 'sleep',
          workloads: [{ kind: 'Deployment', name: 'nope' }],
        }),
      ).toMatchObject({ ok: false, refusal: { code: 'SM-INPUT-WORKLOAD' } });
    });

    it('adds the member roll entry and the annotation on OSSM 1', () => {
      const context = buildMeshContext(ossm1Snapshot());
      expect(
        summaries(planEnroll(context, { cluster: 'c', namespace: 'shop' })),
      ).toEqual([
        {
          kind: 'ServiceMeshMemberRoll',
          name: 'default',
          patch: [{ op: 'add', path: '/spec/members/-', value: 'shop' }],
        },
        expect.objectContaining({ kind: 'Deployment', name: 'web' }),
      ]);
      expect(
        summaries(
          planUnenroll(context, { cluster: 'c', namespace: 'bookinfo' }),
        ),
      ).toEqual([
        {
          kind: 'ServiceMeshMemberRoll',
          name: 'default',
          patch: [{ op: 'remove', path: '/spec/members/0' }],
        },
      ]);
    });

    it('refuses, forceably, to enrol while the injector is down', () => {
      const context = buildMeshContext(
        maistra09Snapshot({ injectorReady: false }),
      );
      const refused = planEnroll(context, { cluster: 'c', namespace: 'sleep' });
      expect(refused).toMatchObject({
        ok: false,
        refusal: { code: 'SM-GUARD-INJECTOR-NOT-READY', forceable: true },
      });
      expect(
        planEnroll(context, { cluster: 'c', namespace: 'sleep', force: true }),
      ).toMatchObject({
        ok: true,
        forced: [{ code: 'SM-GUARD-INJECTOR-NOT-READY' }],
      });
    });

    it('has no revisions to switch to', () => {
      expect(
        planSwitchRevision(buildMeshContext(istio10Snapshot()), {
          cluster: 'c',
          namespace: 'bookinfo',
          revision: 'canary',
        }),
      ).toMatchObject({
        ok: false,
        refusal: { code: 'SM-SWITCH-NO-REVISIONS' },
      });
    });
  });

  describe('restart guard', () => {
    it('refuses a restart the dead injector would stall, and goes ahead with force', () => {
      const context = buildMeshContext(
        maistra09Snapshot({ injectorReady: false }),
      );
      const request = { cluster: 'c', namespace: 'sleep' };
      const refused = planRestart(context, request, NOW);
      expect(refused).toMatchObject({
        ok: false,
        refusal: { code: 'SM-GUARD-INJECTOR-DOWN', forceable: true },
      });
      expect(!refused.ok && refused.refusal.message).toContain(
        "label the operator's own namespace istio.openshift.com/ignore-namespace",
      );
      const forced = planRestart(context, { ...request, force: true }, NOW);
      expect(forced).toMatchObject({
        ok: true,
        forced: [{ code: 'SM-GUARD-INJECTOR-DOWN' }],
      });
      expect(forced.ok && forced.change.operations).toHaveLength(1);
    });

    it('lets a restart through where the webhook does not select the namespace', () => {
      const context = buildMeshContext(
        istio10Snapshot({ injectorReady: false }),
      );
      expect(
        planRestart(context, { cluster: 'c', namespace: 'ledger' }, NOW),
      ).toMatchObject({ ok: true, forced: [] });
    });

    it('refuses to restart sidecar pods once the webhook is gone', () => {
      const context = buildMeshContext(istio10Snapshot({ webhook: false }));
      expect(
        planRestart(context, { cluster: 'c', namespace: 'bookinfo' }, NOW),
      ).toMatchObject({
        ok: false,
        refusal: { code: 'SM-GUARD-WEBHOOK-MISSING', forceable: true },
      });
      expect(
        planRestart(context, { cluster: 'c', namespace: 'ledger' }, NOW),
      ).toMatchObject({ ok: true });
    });
  });
});
