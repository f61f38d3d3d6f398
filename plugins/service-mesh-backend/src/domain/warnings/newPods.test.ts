import { deployment, istioScenario, namespace } from '../__fixtures__';
import type { ClusterSnapshot } from '../snapshot';
import {
  cniAttachmentMissing,
  injectorNotReady,
  webhookMissing,
} from './newPods';
import { servedNamespace } from './testUtils';

describe('injectorNotReady (SM-INJECTOR-NOT-READY)', () => {
  it('warns that new pods fail while the namespace revision injector is down', () => {
    const { snapshot } = istioScenario();
    const istiod = snapshot.workloads.find(w => w.metadata.name === 'istiod')!;
    istiod.status = { conditions: [{ type: 'Available', status: 'False' }] };
    expect(injectorNotReady.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'The injector of revision default is not ready: new pods here will fail to start (the injection webhook rejects them) until istiod is back.',
      },
    ]);
  });

  it('is quiet when only another revision is down', () => {
    const { snapshot } = istioScenario();
    const canary = snapshot.workloads.find(
      w => w.metadata.name === 'istiod-canary',
    )!;
    canary.status = { conditions: [{ type: 'Available', status: 'False' }] };
    expect(injectorNotReady.detect(servedNamespace(snapshot))).toEqual([]);
  });
});

describe('webhookMissing (SM-WEBHOOK-MISSING)', () => {
  it('names the revisions no webhook answers for', () => {
    const { snapshot } = istioScenario();
    snapshot.mutatingWebhookConfigurations = [];
    expect(webhookMissing.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'The namespace asks for injection by default, but no injection webhook configuration on the cluster matches it, so new pods start without a sidecar.',
      },
    ]);
  });

  it('is quiet when a webhook matches, or when nothing asks for injection', () => {
    expect(
      webhookMissing.detect(servedNamespace(istioScenario().snapshot)),
    ).toEqual([]);
    const { snapshot } = istioScenario({});
    snapshot.mutatingWebhookConfigurations = [];
    expect(webhookMissing.detect(servedNamespace(snapshot))).toEqual([]);
  });
});

describe('cniAttachmentMissing (SM-CNI-NAD-MISSING)', () => {
  /** OpenShift (it has Routes) with the Istio CNI node agent running. */
  function openShiftWithCniNodes(): ClusterSnapshot {
    const { snapshot } = istioScenario();
    const cniNodes = deployment('istio-cni-node', 'kube-system');
    snapshot.workloads.push({ ...cniNodes, kind: 'DaemonSet' });
    return { ...snapshot, routes: [], networkAttachmentDefinitions: [] };
  }

  it('wants the istio-cni NetworkAttachmentDefinition in an injected namespace', () => {
    expect(
      cniAttachmentMissing.detect(servedNamespace(openShiftWithCniNodes())),
    ).toEqual([
      {
        message:
          'The cluster uses the Istio CNI plugin on OpenShift, but the namespace has no NetworkAttachmentDefinition named istio-cni, so injected pods fail to start their network setup.',
      },
    ]);
  });

  it('is quiet with the attachment, off OpenShift, without CNI, or outside the mesh', () => {
    const withAttachment = openShiftWithCniNodes();
    withAttachment.networkAttachmentDefinitions!.push({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'istio-cni', namespace: 'demo' },
    });
    const notOpenShift = { ...openShiftWithCniNodes(), routes: undefined };
    const noCni = openShiftWithCniNodes();
    noCni.workloads = noCni.workloads.filter(w => w.kind !== 'DaemonSet');
    const notInjected = openShiftWithCniNodes();
    notInjected.namespaces = notInjected.namespaces.map(ns =>
      ns.metadata.name === 'demo' ? namespace('demo') : ns,
    );
    for (const snapshot of [withAttachment, notOpenShift, noCni]) {
      expect(cniAttachmentMissing.detect(servedNamespace(snapshot))).toEqual(
        [],
      );
    }
    expect(
      cniAttachmentMissing.detect(servedNamespace(notInjected, 'demo')),
    ).toEqual([]);
  });
});
