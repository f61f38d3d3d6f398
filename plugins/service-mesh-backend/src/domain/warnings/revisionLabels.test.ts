import { istioScenario } from '../__fixtures__';
import {
  multipleInjectionLabels,
  revisionPinnedByName,
  unknownRevision,
} from './revisionLabels';
import { servedNamespace, withOssm2 } from './testUtils';

describe('multipleInjectionLabels (IST0123)', () => {
  it('offers to keep only the revision label', () => {
    const { snapshot } = istioScenario({
      'istio-injection': 'enabled',
      'istio.io/rev': 'canary',
    });
    expect(multipleInjectionLabels.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'The namespace has both istio-injection=enabled and istio.io/rev=canary. istio-injection wins, so the revision label is ignored.',
        fix: {
          action: 'switchRevision',
          title: 'Use revision canary only',
          request: { cluster: 'dev', namespace: 'demo', revision: 'canary' },
        },
      },
    ]);
  });

  it('is quiet with one label', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'canary' });
    expect(multipleInjectionLabels.detect(servedNamespace(snapshot))).toEqual(
      [],
    );
  });
});

describe('unknownRevision (SM-UNKNOWN-REVISION)', () => {
  it('offers the default revision for an unknown namespace label', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'gone' });
    expect(unknownRevision.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'The namespace label istio.io/rev=gone names no revision or tag on the cluster, so new pods get no sidecar.',
        fix: {
          action: 'switchRevision',
          title: 'Switch to default',
          request: { cluster: 'dev', namespace: 'demo', revision: 'default' },
        },
      },
    ]);
  });

  it('names the workload whose pod template label is unknown', () => {
    const { snapshot, httpbin } = istioScenario({});
    httpbin.spec.template.metadata!.labels = {
      ...httpbin.spec.template.metadata!.labels,
      'istio.io/rev': 'gone',
    };
    expect(unknownRevision.detect(servedNamespace(snapshot))).toEqual([
      {
        workload: { kind: 'Deployment', name: 'httpbin' },
        message:
          'The pod template label istio.io/rev=gone names no revision or tag, so new pods get no sidecar.',
      },
    ]);
  });

  it('is quiet for known revisions, tags and OSSM 2', () => {
    for (const revision of ['canary', 'prod-stable']) {
      const { snapshot } = istioScenario({ 'istio.io/rev': revision });
      expect(unknownRevision.detect(servedNamespace(snapshot))).toEqual([]);
    }
    const { snapshot } = istioScenario({ 'istio.io/rev': 'gone' });
    expect(
      unknownRevision.detect(
        servedNamespace(withOssm2(snapshot, 'configured')),
      ),
    ).toEqual([]);
  });
});

describe('revisionPinnedByName (SM-REVISION-PINNED)', () => {
  it('notes a namespace pinned by revision name, offering the tag of that revision', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'canary' });
    expect(revisionPinnedByName.detect(servedNamespace(snapshot))).toEqual([
      {
        message:
          'The namespace is pinned to revision canary by name, so upgrades, which move revision tags, leave it behind. Tag prod-stable points at the same revision; following it changes nothing now.',
        fix: {
          action: 'switchRevision',
          title: 'Follow tag prod-stable',
          request: {
            cluster: 'dev',
            namespace: 'demo',
            revision: 'prod-stable',
          },
        },
      },
    ]);
  });

  it('without a tag of that revision, only says to use one', () => {
    const { snapshot } = istioScenario({ 'istio.io/rev': 'canary' });
    snapshot.mutatingWebhookConfigurations =
      snapshot.mutatingWebhookConfigurations.filter(
        c => !c.metadata.name.startsWith('istio-revision-tag-'),
      );
    const [finding] = revisionPinnedByName.detect(servedNamespace(snapshot));
    expect(finding.message).toMatch(/Label it with a revision tag/);
    expect(finding.fix).toBeUndefined();
  });

  it('is quiet for a tag, istio-injection=enabled, or no label', () => {
    const cases: Record<string, string>[] = [
      { 'istio.io/rev': 'prod-stable' },
      { 'istio-injection': 'enabled' },
      {},
    ];
    for (const labels of cases) {
      const { snapshot } = istioScenario(labels);
      expect(revisionPinnedByName.detect(servedNamespace(snapshot))).toEqual(
        [],
      );
    }
  });
});
