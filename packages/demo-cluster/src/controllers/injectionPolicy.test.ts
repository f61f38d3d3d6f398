import { InjectionPolicy, injectionRequired } from './injectionPolicy';

const legacy = (overrides: Partial<InjectionPolicy> = {}): InjectionPolicy => ({
  policy: 'enabled',
  optIn: 'annotation',
  ...overrides,
});

// Maistra's: build and deployer pods never get a sidecar.
const neverBuilds = [
  {
    matchExpressions: [
      { key: 'openshift.io/build.name', operator: 'Exists' as const },
    ],
  },
];

describe('injectionRequired (Istio injectRequired)', () => {
  it('follows the policy when the pod asks nothing', () => {
    expect(injectionRequired({}, legacy({ policy: 'enabled' }))).toBe(true);
    expect(injectionRequired({}, legacy({ policy: 'disabled' }))).toBe(false);
  });

  it('injects with policy disabled only on the annotation opt-in, read as a YAML boolean', () => {
    const disabled = legacy({ policy: 'disabled' });
    const annotated = (value: string) => ({
      annotations: { 'sidecar.istio.io/inject': value },
    });
    expect(injectionRequired(annotated('true'), disabled)).toBe(true);
    expect(injectionRequired(annotated('yes'), disabled)).toBe(true);
    expect(injectionRequired(annotated('On'), disabled)).toBe(true);
    expect(injectionRequired(annotated('false'), disabled)).toBe(false);
    // Not a YAML truth: "do not inject", even with policy enabled.
    expect(injectionRequired(annotated('1'), legacy())).toBe(false);
    expect(injectionRequired(annotated('ture'), legacy())).toBe(false);
    // An empty value is no request at all.
    expect(injectionRequired(annotated(''), legacy())).toBe(true);
  });

  it('ignores the label before istiod, and lets it win with istiod', () => {
    const labelled = {
      labels: { 'sidecar.istio.io/inject': 'true' },
      annotations: { 'sidecar.istio.io/inject': 'false' },
    };
    expect(injectionRequired(labelled, legacy({ policy: 'disabled' }))).toBe(
      false,
    );
    expect(
      injectionRequired(labelled, {
        policy: 'disabled',
        optIn: 'labelOrAnnotation',
      }),
    ).toBe(true);
  });

  it('skips pods matching neverInjectSelector unless they opt in', () => {
    const policy = legacy({ neverInjectSelector: neverBuilds });
    const buildPod = { labels: { 'openshift.io/build.name': 'app-1' } };
    expect(injectionRequired(buildPod, policy)).toBe(false);
    expect(injectionRequired({ labels: { app: 'web' } }, policy)).toBe(true);
    expect(
      injectionRequired(
        { ...buildPod, annotations: { 'sidecar.istio.io/inject': 'true' } },
        policy,
      ),
    ).toBe(true);
  });

  it('injects pods matching alwaysInjectSelector under policy disabled, never beating neverInjectSelector', () => {
    const policy = legacy({
      policy: 'disabled',
      neverInjectSelector: neverBuilds,
      alwaysInjectSelector: [{ matchLabels: { tier: 'web' } }],
    });
    expect(injectionRequired({ labels: { tier: 'web' } }, policy)).toBe(true);
    expect(injectionRequired({ labels: { tier: 'db' } }, policy)).toBe(false);
    expect(
      injectionRequired(
        { labels: { tier: 'web', 'openshift.io/build.name': 'b' } },
        policy,
      ),
    ).toBe(false);
    expect(
      injectionRequired(
        {
          labels: { tier: 'web' },
          annotations: { 'sidecar.istio.io/inject': 'false' },
        },
        policy,
      ),
    ).toBe(false);
  });

  it('treats an empty selector as matching nothing, as Istio does', () => {
    expect(
      injectionRequired(
        { labels: { app: 'web' } },
        legacy({ neverInjectSelector: [{}] }),
      ),
    ).toBe(true);
    expect(
      injectionRequired(
        {},
        legacy({ policy: 'disabled', alwaysInjectSelector: [{}] }),
      ),
    ).toBe(false);
  });
});
