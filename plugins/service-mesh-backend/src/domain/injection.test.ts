import {
  decideInjection,
  decideInjectionByWebhooks,
  InjectionRules,
  matchInjectionWebhooks,
  namespaceInjection,
  podInjectSetting,
  resolveRevision,
  webhookConfigurationRevision,
} from './injection';
import { injectorWebhookConfiguration } from './__fixtures__';

const rules: InjectionRules = {
  style: 'labels',
  revisions: ['default', 'canary'],
  tags: {},
  defaultRevision: 'default',
};
const webhooks = [
  injectorWebhookConfiguration({ revision: 'default', isDefault: true }),
  injectorWebhookConfiguration({ revision: 'canary' }),
];

describe('the analyzer namespace-label matrix', () => {
  const injectionLabels = {
    enabled: { 'istio-injection': 'enabled' },
    disabled: { 'istio-injection': 'disabled' },
    unset: {},
  };
  const revisionLabels = {
    set: { 'istio.io/rev': 'canary' },
    unset: {},
    missing: { 'istio.io/rev': 'does-not-exist' },
  };
  const pods = {
    none: {},
    optIn: { labels: { 'sidecar.istio.io/inject': 'true' } },
    optOut: { labels: { 'sidecar.istio.io/inject': 'false' } },
  };

  // What Istio does for each combination: the revision that injects, or
  // undefined. `istio-injection` decides alone whenever it is present.
  const expected = (
    injection: keyof typeof injectionLabels,
    revision: keyof typeof revisionLabels,
    pod: keyof typeof pods,
  ): string | undefined => {
    if (pod === 'optOut' || injection === 'disabled') return undefined;
    if (injection === 'enabled') return 'default';
    if (revision === 'set') return 'canary';
    if (revision === 'missing') return undefined;
    return pod === 'optIn' ? 'default' : undefined;
  };

  const cases = Object.keys(injectionLabels).flatMap(injection =>
    Object.keys(revisionLabels).flatMap(revision =>
      Object.keys(pods).map(pod => [injection, revision, pod] as const),
    ),
  ) as [
    keyof typeof injectionLabels,
    keyof typeof revisionLabels,
    keyof typeof pods,
  ][];

  it.each(cases)(
    'istio-injection %s, istio.io/rev %s, pod %s',
    (injection, revision, pod) => {
      const ns = {
        name: 'demo',
        labels: { ...injectionLabels[injection], ...revisionLabels[revision] },
      };
      const want = expected(injection, revision, pod);
      const fromLabels = decideInjection(ns, pods[pod], rules);
      const fromWebhooks = decideInjectionByWebhooks(webhooks, ns, pods[pod]);
      expect(fromLabels.injected ? fromLabels.revision : undefined).toBe(want);
      expect(fromWebhooks.injected ? fromWebhooks.revision : undefined).toBe(
        want,
      );
      expect(fromWebhooks.conflictingRevisions).toBeUndefined();
    },
  );

  it('names why a pod is not injected', () => {
    const decide = (labels: Record<string, string>, pod = {}) =>
      decideInjection({ name: 'demo', labels }, pod, rules);
    expect(decide({ 'istio-injection': 'disabled' })).toEqual({
      injected: false,
      reason: 'namespaceDisabled',
    });
    expect(decide({ 'istio.io/rev': 'nope' })).toEqual({
      injected: false,
      reason: 'unknownRevision',
      requestedRevision: 'nope',
    });
    expect(decide({})).toEqual({
      injected: false,
      reason: 'noInjectionLabel',
    });
    expect(decide({ 'istio-injection': 'enabled' }, pods.optOut)).toEqual({
      injected: false,
      reason: 'optedOut',
    });
  });
});

describe('decideInjection', () => {
  it('lets istio-injection win over istio.io/rev (IST0123)', () => {
    const decision = decideInjection(
      {
        name: 'demo',
        labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' },
      },
      {},
      rules,
    );
    expect(decision).toMatchObject({
      injected: true,
      revision: 'default',
      via: 'namespaceInjectionLabel',
    });
  });

  it('resolves a namespace revision label through tags', () => {
    const tagged: InjectionRules = {
      style: 'labels',
      revisions: ['1-23-1', '1-24-2'],
      tags: { 'prod-stable': '1-23-1', default: '1-24-2' },
      defaultRevision: '1-24-2',
    };
    expect(
      decideInjection(
        { name: 'a', labels: { 'istio.io/rev': 'prod-stable' } },
        {},
        tagged,
      ),
    ).toEqual({
      injected: true,
      revision: '1-23-1',
      tag: 'prod-stable',
      via: 'namespaceRevisionLabel',
    });
    expect(
      decideInjection(
        { name: 'a', labels: { 'istio-injection': 'enabled' } },
        {},
        tagged,
      ),
    ).toMatchObject({ revision: '1-24-2', tag: 'default' });
  });

  it('uses the pod revision label only in unlabelled namespaces', () => {
    const pod = { labels: { 'istio.io/rev': 'canary' } };
    expect(decideInjection({ name: 'a' }, pod, rules)).toMatchObject({
      injected: true,
      revision: 'canary',
      via: 'podRevisionLabel',
    });
    expect(
      decideInjection(
        { name: 'a', labels: { 'istio-injection': 'enabled' } },
        pod,
        rules,
      ),
    ).toMatchObject({ revision: 'default' });
  });

  it('opts out with the annotation, but opts in only with the label', () => {
    const annotatedOut = {
      annotations: { 'sidecar.istio.io/inject': 'false' },
    };
    const annotatedIn = { annotations: { 'sidecar.istio.io/inject': 'true' } };
    const enabled = { name: 'a', labels: { 'istio-injection': 'enabled' } };
    expect(decideInjection(enabled, annotatedOut, rules).injected).toBe(false);
    expect(
      decideInjectionByWebhooks(webhooks, enabled, annotatedOut).injected,
    ).toBe(false);
    // Object selectors see labels only, so the webhook is never called.
    expect(decideInjection({ name: 'a' }, annotatedIn, rules).injected).toBe(
      false,
    );
    expect(
      decideInjectionByWebhooks(webhooks, { name: 'a' }, annotatedIn).injected,
    ).toBe(false);
  });

  it('lets the label win over the annotation', () => {
    expect(
      podInjectSetting({
        labels: { 'sidecar.istio.io/inject': 'true' },
        annotations: { 'sidecar.istio.io/inject': 'false' },
      }),
    ).toBe('in');
    expect(
      podInjectSetting({ annotations: { 'sidecar.istio.io/inject': 'no' } }),
    ).toBe('out');
    expect(
      podInjectSetting({ annotations: { 'sidecar.istio.io/inject': 'Yes' } }),
    ).toBe('in');
    expect(podInjectSetting({})).toBeUndefined();
  });

  it('never injects kube-system, kube-public or hostNetwork pods', () => {
    const enabled = { 'istio-injection': 'enabled' };
    expect(
      decideInjection({ name: 'kube-system', labels: enabled }, {}, rules),
    ).toEqual({ injected: false, reason: 'neverInjectedNamespace' });
    expect(
      decideInjectionByWebhooks(
        webhooks,
        { name: 'kube-public', labels: enabled },
        {},
      ).injected,
    ).toBe(false);
    expect(
      decideInjection(
        { name: 'demo', labels: enabled },
        { hostNetwork: true },
        rules,
      ),
    ).toEqual({ injected: false, reason: 'hostNetwork' });
    expect(
      decideInjectionByWebhooks(
        webhooks,
        { name: 'demo', labels: enabled },
        { hostNetwork: true },
      ).injected,
    ).toBe(false);
  });

  it('reports no default revision when istio-injection=enabled has nothing to call', () => {
    const noDefault: InjectionRules = {
      style: 'labels',
      revisions: ['canary'],
      tags: {},
    };
    expect(
      decideInjection(
        { name: 'a', labels: { 'istio-injection': 'enabled' } },
        {},
        noDefault,
      ),
    ).toEqual({ injected: false, reason: 'noDefaultRevision' });
  });
});

describe('OpenShift Service Mesh 2 rules', () => {
  const ossm: InjectionRules = {
    style: 'memberOf',
    controlPlanes: [{ namespace: 'istio-system', revision: 'basic' }],
  };
  const member = {
    name: 'bookinfo',
    labels: { 'maistra.io/member-of': 'istio-system' },
  };
  const optIn = { annotations: { 'sidecar.istio.io/inject': 'true' } };

  it('injects only opted-in pods of member namespaces', () => {
    expect(decideInjection(member, optIn, ossm)).toEqual({
      injected: true,
      revision: 'basic',
      via: 'memberOptIn',
    });
    expect(decideInjection(member, {}, ossm)).toEqual({
      injected: false,
      reason: 'notOptedIn',
    });
    expect(decideInjection({ name: 'other' }, optIn, ossm)).toEqual({
      injected: false,
      reason: 'notMember',
    });
    expect(
      decideInjection(
        { name: 'other', labels: { 'istio-injection': 'enabled' } },
        {},
        ossm,
      ).injected,
    ).toBe(false);
  });

  it('skips namespaces labelled to be ignored', () => {
    for (const label of [
      'maistra.io/ignore-namespace',
      'istio.openshift.com/ignore-namespace',
    ]) {
      expect(
        decideInjection(
          { ...member, labels: { ...member.labels, [label]: 'true' } },
          optIn,
          ossm,
        ),
      ).toEqual({ injected: false, reason: 'ignoredNamespace' });
    }
  });

  it('reports the namespace as per-workload', () => {
    expect(namespaceInjection(member, ossm)).toEqual({
      mode: 'unset',
      revisionLabel: undefined,
      effectiveRevision: 'basic',
      effectiveTag: undefined,
      revisionVia: 'default',
      perWorkload: true,
    });
  });

  it('needs the opt-in with an injector policy of disabled', () => {
    const config = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: 'istiod-basic-istio-system',
        labels: { 'istio.io/rev': 'basic' },
      },
      webhooks: [
        {
          name: 'sidecar-injector.istio.io',
          namespaceSelector: {
            matchExpressions: [
              {
                key: 'maistra.io/member-of',
                operator: 'In' as const,
                values: ['istio-system'],
              },
            ],
          },
        },
      ],
    };
    const policy = () => 'disabled' as const;
    expect(
      decideInjectionByWebhooks([config], member, optIn, {
        injectorPolicy: policy,
      }),
    ).toMatchObject({ injected: true, revision: 'basic', via: 'memberOptIn' });
    expect(
      decideInjectionByWebhooks(
        [config],
        member,
        {},
        {
          injectorPolicy: policy,
        },
      ),
    ).toMatchObject({ injected: false, reason: 'notOptedIn' });
  });
});

describe('webhook evaluation', () => {
  it('follows a tag webhook to its revision', () => {
    const configs = [
      injectorWebhookConfiguration({ revision: '1-23-1' }),
      injectorWebhookConfiguration({
        revision: '1-23-1',
        tag: 'prod-stable',
      }),
    ];
    const decision = decideInjectionByWebhooks(
      configs,
      { name: 'a', labels: { 'istio.io/rev': 'prod-stable' } },
      {},
    );
    expect(decision).toMatchObject({
      injected: true,
      revision: '1-23-1',
      tag: 'prod-stable',
      via: 'namespaceRevisionLabel',
    });
  });

  it('detects a missing webhook where the labels ask for injection', () => {
    const ns = { name: 'a', labels: { 'istio.io/rev': 'canary' } };
    expect(decideInjection(ns, {}, rules).injected).toBe(true);
    expect(decideInjectionByWebhooks([webhooks[0]], ns, {})).toMatchObject({
      injected: false,
      matches: [],
    });
  });

  it('reports several revisions answering the same pod', () => {
    const ns = { name: 'a', labels: { 'istio-injection': 'enabled' } };
    const decision = decideInjectionByWebhooks(
      [
        ...webhooks,
        injectorWebhookConfiguration({ revision: 'canary', isDefault: true }),
      ],
      ns,
      {},
    );
    expect(decision.conflictingRevisions?.sort()).toEqual([
      'canary',
      'default',
    ]);
  });

  it('ignores webhooks that are not Istio injectors', () => {
    const other = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'aaa-other' },
      webhooks: [{ name: 'mutate.example.com' }],
    };
    expect(matchInjectionWebhooks([other], { name: 'a' }, {})).toEqual([]);
  });

  it('infers the revision of an unlabelled configuration from its service', () => {
    const config = injectorWebhookConfiguration({ revision: 'canary' });
    delete config.metadata.labels;
    expect(webhookConfigurationRevision(config)).toBe('canary');
  });
});

describe('resolveRevision', () => {
  it('prefers a tag over a revision of the same name', () => {
    const routing = {
      revisions: ['default', '1-24-2'],
      tags: { default: '1-24-2' },
    };
    expect(resolveRevision('default', routing)).toEqual({
      revision: '1-24-2',
      tag: 'default',
    });
    expect(resolveRevision('1-24-2', routing)).toEqual({ revision: '1-24-2' });
    expect(resolveRevision('nope', routing)).toBeUndefined();
  });
});
