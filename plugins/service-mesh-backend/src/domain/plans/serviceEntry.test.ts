import { applyPatch } from 'fast-json-patch';
import { parse } from 'yaml';
import type { IstioServiceEntry } from '../kube';
import { buildMeshContext } from '../mesh';
import { istioScenario } from '../__fixtures__';
import { describePlan } from './describe';
import { planServiceEntry } from './serviceEntry';

const request = {
  cluster: 'dev',
  namespace: 'demo',
  hosts: ['api.stripe.com'],
};

/** The Istio scenario, with the ServiceEntries read for the plan. */
function contextWith(serviceEntries: IstioServiceEntry[] | undefined) {
  const { snapshot } = istioScenario();
  return buildMeshContext({ ...snapshot, serviceEntries });
}

function existing(spec: IstioServiceEntry['spec']): IstioServiceEntry {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: {
      name: 'external-hosts',
      namespace: 'demo',
      resourceVersion: '41',
      labels: { team: 'a' },
    },
    spec,
  };
}

const declaredSpec = {
  hosts: ['api.stripe.com'],
  exportTo: ['.'],
  location: 'MESH_EXTERNAL',
  resolution: 'DNS',
  ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
};

describe('planServiceEntry', () => {
  it('creates a ServiceEntry in the namespace: outside the mesh, by DNS, TLS on 443, exported to the namespace only', () => {
    const outcome = planServiceEntry(contextWith([]), request);
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const [operation] = outcome.change.operations;
    expect(operation).toMatchObject({
      verb: 'create',
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      namespace: 'demo',
      name: 'external-hosts',
      object: {
        metadata: { name: 'external-hosts', namespace: 'demo' },
        spec: declaredSpec,
      },
    });
    expect(parse(operation.resultYaml).spec).toEqual(declaredSpec);
    expect(describePlan('serviceEntry', request, [operation])).toBe(
      'Create ServiceEntry external-hosts in demo',
    );
  });

  it('declares the chosen port and name', () => {
    const outcome = planServiceEntry(contextWith([]), {
      ...request,
      name: 'stripe',
      protocol: 'HTTP',
    });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    expect(outcome.change.operations[0].object).toMatchObject({
      metadata: { name: 'stripe' },
      spec: { ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] },
    });
  });

  it('changes nothing when an identical one exists, whatever the order of its lists, and says so neutrally', () => {
    const outcome = planServiceEntry(
      contextWith([
        existing({
          ...declaredSpec,
          hosts: ['hooks.slack.com', 'api.stripe.com'],
        }),
      ]),
      { ...request, hosts: ['api.stripe.com', 'hooks.slack.com'] },
    );
    expect(outcome).toMatchObject({ ok: true, change: { operations: [] } });
    expect(
      describePlan(
        'serviceEntry',
        { ...request, hosts: ['api.stripe.com', 'hooks.slack.com'] },
        [],
      ),
    ).toBe(
      'ServiceEntry external-hosts in demo already declares api.stripe.com, hooks.slack.com',
    );
  });

  it('replaces the spec of one with the same name and another spec, guarded by its resourceVersion', () => {
    const before = existing({
      ...declaredSpec,
      hosts: ['hooks.slack.com'],
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
    });
    const outcome = planServiceEntry(contextWith([before]), request);
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const [operation] = outcome.change.operations;
    expect(operation.verb).toBe('patch');
    expect(operation.patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '41' },
      { op: 'replace', path: '/spec', value: declaredSpec },
    ]);
    const after = applyPatch(
      structuredClone(before),
      operation.patch as any,
      true,
      false,
    ).newDocument;
    // Its labels stay; once written, the same request changes nothing.
    expect(after.metadata.labels).toEqual({ team: 'a' });
    expect(operation.changes).toEqual(
      expect.arrayContaining([
        { path: ['spec', 'hosts'], before: 'hooks.slack.com', item: true },
        { path: ['spec', 'hosts'], after: 'api.stripe.com', item: true },
      ]),
    );
    const again = planServiceEntry(contextWith([after]), request);
    expect(again).toMatchObject({ ok: true, change: { operations: [] } });
  });

  it('leaves ServiceEntries of other names and namespaces alone', () => {
    const other = existing(declaredSpec);
    const outcome = planServiceEntry(
      contextWith([
        { ...other, metadata: { ...other.metadata, name: 'stripe' } },
        { ...other, metadata: { ...other.metadata, namespace: 'other' } },
      ]),
      request,
    );
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    expect(outcome.change.operations.map(o => o.verb)).toEqual(['create']);
  });

  it.each([
    [['*'], /not a wildcard/],
    [['*.stripe.com'], /not a wildcard/],
    [['*/api.stripe.com'], /not an egress host/],
    [['stripe'], /not a dotted DNS name/],
    [['reviews.bookinfo.svc.cluster.local'], /cluster-local/],
    [['api.stripe.com', 'db.demo.svc'], /"db\.demo\.svc": a cluster-local/],
    [[], /at least one external host/],
  ])('refuses hosts %p as bad input', (hosts, message) => {
    expect(
      planServiceEntry(contextWith([]), { ...request, hosts }),
    ).toMatchObject({
      ok: false,
      refusal: {
        kind: 'input',
        code: 'SM-INPUT-EXTERNAL-HOSTS',
        message: expect.stringMatching(message),
      },
    });
  });

  it('refuses an invalid name and protocol as bad input', () => {
    expect(
      planServiceEntry(contextWith([]), { ...request, name: 'Stripe' }),
    ).toMatchObject({ ok: false, refusal: { kind: 'input' } });
    expect(
      planServiceEntry(contextWith([]), {
        ...request,
        protocol: 'GRPC' as 'TLS',
      }),
    ).toMatchObject({
      ok: false,
      refusal: { kind: 'input', code: 'SM-INPUT-SERVICE-ENTRY-PROTOCOL' },
    });
  });

  it('refuses a namespace that is not there, and a cluster without the ServiceEntry API', () => {
    expect(
      planServiceEntry(contextWith([]), { ...request, namespace: 'ghost' }),
    ).toMatchObject({
      ok: false,
      refusal: { code: 'SM-INPUT-NAMESPACE-NOT-FOUND' },
    });
    expect(planServiceEntry(contextWith(undefined), request)).toMatchObject({
      ok: false,
      refusal: { kind: 'conflict', code: 'SM-NO-SERVICE-ENTRY-API' },
    });
  });

  it('refuses the control plane namespace', () => {
    expect(
      planServiceEntry(contextWith([]), {
        ...request,
        namespace: 'istio-system',
      }),
    ).toMatchObject({
      ok: false,
      refusal: { code: 'SM-GUARD-CONTROL-PLANE-NAMESPACE' },
    });
  });
});
