import { analyzeNamespace } from '../analysis';
import { istioScenario, podOf } from '../__fixtures__';
import { buildMeshContext } from '../mesh';
import {
  deriveNamespaceWarnings,
  NAMESPACE_WARNING_RULES,
  UNSERVED_NAMESPACE_WARNING_RULES,
  WARNING_CODES,
} from '.';

describe('the warning rules', () => {
  it('give every code one rule, except the missing namespace, which has no analysis', () => {
    const ruleCodes = [
      ...NAMESPACE_WARNING_RULES,
      ...UNSERVED_NAMESPACE_WARNING_RULES,
    ].map(rule => rule.code);
    expect(new Set(ruleCodes).size).toBe(ruleCodes.length);
    expect([...ruleCodes, WARNING_CODES.namespaceNotFound].sort()).toEqual(
      Object.values(WARNING_CODES).sort(),
    );
  });
});

describe('deriveNamespaceWarnings', () => {
  it('adds code, severity and namespace, most severe first, rules in list order within a severity', () => {
    const { snapshot, httpbin } = istioScenario({
      'istio-injection': 'enabled',
      'istio.io/rev': 'canary',
    });
    snapshot.pods.push(podOf(httpbin, 'b'));
    snapshot.mutatingWebhookConfigurations = [];
    const context = buildMeshContext(snapshot);
    const demo = context.snapshot.namespaces.find(
      n => n.metadata.name === 'demo',
    )!;
    const warnings = deriveNamespaceWarnings(analyzeNamespace(context, demo));
    expect(
      warnings.map(w => [w.severity, w.code, w.namespace, w.workload?.name]),
    ).toEqual([
      ['error', 'SM-WEBHOOK-MISSING', 'demo', undefined],
      ['warning', 'IST0123', 'demo', undefined],
      ['warning', 'IST0103', 'demo', 'httpbin'],
      ['info', 'SM-MISSING-APP-VERSION', 'demo', 'sleep'],
    ]);
  });
});
