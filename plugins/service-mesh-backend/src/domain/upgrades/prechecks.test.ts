import type { KubeObject, Workload } from '../kube';
import {
  injectorWebhookConfiguration,
  namespace,
  podOf,
} from '../__fixtures__';
import { planUpgrade } from './planner';
import type { PrecheckName, UpgradeOptions } from './types';
import { upstreamRequest, upstreamScenario } from './__fixtures__/scenarios';

type Snapshot = ReturnType<typeof upstreamScenario>['snapshot'];

function precheck(
  snapshot: Snapshot,
  name: PrecheckName,
  options: Partial<UpgradeOptions> = {},
) {
  const outcome = planUpgrade(
    snapshot,
    upstreamRequest({ moveTags: ['prod-stable'], ...options }),
  );
  if (!outcome.ok) {
    throw new Error(outcome.message);
  }
  return {
    result: outcome.plan.prechecks.find(p => p.name === name)!,
    blocked: outcome.plan.blocked,
  };
}

const breakages: [PrecheckName, (s: Snapshot) => void, string][] = [
  [
    'targetReady',
    s => {
      const istiod = s.workloads.find(
        w => w.metadata.name === 'istiod-1-24-3',
      )!;
      istiod.status = { readyReplicas: 0 };
    },
    'istiod of 1-24-3 is not Ready',
  ],
  [
    'injectorWebhook',
    s => {
      s.mutatingWebhookConfigurations = s.mutatingWebhookConfigurations.filter(
        c => c.metadata.name !== 'istio-sidecar-injector-1-24-3',
      );
    },
    'No MutatingWebhookConfiguration injects for 1-24-3: restarted pods would get no sidecar',
  ],
  [
    'injectorWebhook',
    s => {
      const config = injectorWebhookConfiguration({
        revision: '1-24-3',
        tag: 'broken',
      });
      config.webhooks!.forEach(w => {
        w.clientConfig!.service!.name = 'istiod-gone';
      });
      s.mutatingWebhookConfigurations.push(config);
    },
    'The injector behind istio-revision-tag-broken is down and its failurePolicy is Fail: every restarted pod would fail to be created',
  ],
  [
    'conflictingLabels',
    s => {
      s.namespaces.push(
        namespace('both', {
          'istio-injection': 'enabled',
          'istio.io/rev': '1-24-3',
        }),
      );
    },
    'both has both istio-injection and istio.io/rev (IST0123): istio.io/rev is ignored there',
  ],
  [
    'proxySkew',
    s => {
      const workload = s.workloads.find(w => w.metadata.name === 'ledger')!;
      s.pods.push(
        podOf(workload, 'new', {
          proxy: { revision: '1-23-1', version: '1.25.0' },
        }),
      );
    },
    '1 pods on 1.25.0 would run beside control plane 1.24.3, outside the supported skew (control plane at most 1 minor version ahead, never behind)',
  ],
  [
    'validatingWebhook',
    s => {
      s.validatingWebhookConfigurations = [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingWebhookConfiguration',
          metadata: {
            name: 'istiod-default-validator',
            labels: { 'istio.io/rev': '1-23-1' },
          },
        },
      ];
    },
    'istiod-default-validator → 1-23-1: once 1-23-1 is removed, Istio config is rejected; move the default tag or repoint the validator',
  ],
  [
    'cniNetworkAttachments',
    s => {
      s.routes = [];
      s.workloads.push({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'istio-cni-node', namespace: 'kube-system' },
        spec: { selector: {}, template: { spec: { containers: [] } } },
      } as Workload);
      s.networkAttachmentDefinitions = [attachment('checkout')];
    },
    'payments lack the istio-cni NetworkAttachmentDefinition: restarted pods would fail to start',
  ],
];

/** A validator as Istio's chart renders it, without the revision label. */
function validator(name: string, service: string) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: 'rev.validation.istio.io',
        failurePolicy: 'Ignore',
        clientConfig: { service: { name: service, namespace: 'istio-system' } },
      },
    ],
  };
}

function attachment(ns: string): KubeObject {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: 'istio-cni', namespace: ns },
  };
}

describe('prechecks', () => {
  it('all pass on a healthy cluster', () => {
    const outcome = planUpgrade(upstreamScenario().snapshot, upstreamRequest());
    expect(
      outcome.ok && outcome.plan.prechecks.map(p => [p.name, p.passed]),
    ).toEqual([
      ['targetReady', true],
      ['injectorWebhook', true],
      ['conflictingLabels', true],
      ['proxySkew', true],
      ['validatingWebhook', true],
      ['cniNetworkAttachments', true],
    ]);
  });

  it.each(breakages)('%s blocks: %s', (name, breakIt, message) => {
    const { snapshot } = upstreamScenario();
    breakIt(snapshot);
    const { result, blocked } = precheck(snapshot, name);
    expect(result).toMatchObject({
      passed: false,
      blocking: true,
      forced: false,
      message,
    });
    expect(blocked).toBe(true);
    const forced = precheck(snapshot, name, { force: [name] });
    expect(forced.result).toMatchObject({
      passed: false,
      blocking: false,
      forced: true,
    });
    expect(precheck(snapshot, name, { force: true }).blocked).toBe(false);
  });

  it('accepts a default validator that moves with the default tag', () => {
    const { snapshot } = upstreamScenario();
    breakages.find(b => b[0] === 'validatingWebhook')![1](snapshot);
    expect(
      precheck(snapshot, 'validatingWebhook', {
        moveTags: ['prod-stable', 'default'],
      }).result.passed,
    ).toBe(true);
  });

  it('ignores per-revision validators, which go with their revision', () => {
    const { snapshot } = upstreamScenario();
    snapshot.validatingWebhookConfigurations = [
      validator('istio-validator-1-23-1-istio-system', 'istiod-1-23-1'),
      validator('istio-validator-1-24-3-istio-system', 'istiod-1-24-3'),
    ];
    expect(precheck(snapshot, 'validatingWebhook').result).toMatchObject({
      passed: true,
      message:
        'The default validating webhook points at a revision that remains',
    });
  });

  it('reads the default validator revision from its service when unlabelled', () => {
    const { snapshot } = upstreamScenario();
    snapshot.validatingWebhookConfigurations = [
      validator('istiod-default-validator', 'istiod-1-23-1'),
    ];
    expect(precheck(snapshot, 'validatingWebhook').result).toMatchObject({
      passed: false,
      details: ['istiod-default-validator → 1-23-1'],
    });
    snapshot.validatingWebhookConfigurations = [
      validator('istiod-default-validator', 'istiod-1-24-3'),
    ];
    expect(precheck(snapshot, 'validatingWebhook').result.passed).toBe(true);
  });

  it('checks attachments only when the snapshot has them', () => {
    const { snapshot } = upstreamScenario();
    breakages.find(b => b[0] === 'cniNetworkAttachments')![1](snapshot);
    snapshot.networkAttachmentDefinitions = undefined;
    expect(precheck(snapshot, 'cniNetworkAttachments').result.passed).toBe(
      true,
    );
    snapshot.networkAttachmentDefinitions = [
      attachment('checkout'),
      attachment('payments'),
    ];
    expect(precheck(snapshot, 'cniNetworkAttachments').result.passed).toBe(
      true,
    );
  });
});
