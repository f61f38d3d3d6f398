import { builtinResources } from './builtinResources';
import { toTable } from './table';
import { KubeObject, ResourceType } from './types';

const NOW = new Date('2026-01-01T01:00:00Z');
const CREATED = '2026-01-01T00:00:00Z';

const typeOf = (group: string, plural: string): ResourceType =>
  builtinResources.find(r => r.group === group && r.plural === plural)!;

function table(resource: ResourceType, object: Partial<KubeObject>) {
  const result = toTable(
    resource,
    [
      {
        ...object,
        metadata: { name: 'x', creationTimestamp: CREATED },
      } as KubeObject,
    ],
    { tableVersion: 'v1', now: NOW },
  );
  const columns = result.columnDefinitions!;
  return {
    names: columns.filter(c => c.priority === 0).map(c => c.name),
    wide: columns.filter(c => c.priority > 0).map(c => c.name),
    row: Object.fromEntries(
      columns.map((c, i) => [c.name, result.rows[0].cells[i]]),
    ),
  };
}

describe('toTable', () => {
  it('counts the webhooks of a webhook configuration', () => {
    const { names, row } = table(
      typeOf('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'),
      { webhooks: [{ name: 'a' }, { name: 'b' }] },
    );
    expect(names).toEqual(['Name', 'Webhooks', 'Age']);
    expect(row).toMatchObject({ Webhooks: 2, Age: '60m' });
  });

  it('prints a deployment’s wide columns from its template and selector', () => {
    const { names, wide, row } = table(typeOf('apps', 'deployments'), {
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web', version: 'v1' } },
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'web:1' },
              { name: 'log', image: 'log:2' },
            ],
          },
        },
      },
      status: { readyReplicas: 1, updatedReplicas: 2, availableReplicas: 1 },
    });
    expect(names).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(wide).toEqual(['Containers', 'Images', 'Selector']);
    expect(row).toMatchObject({
      Ready: '1/2',
      'Up-to-date': 2,
      Available: 1,
      Containers: 'web,log',
      Images: 'web:1,log:2',
      Selector: 'app=web,version=v1',
    });
  });

  it('counts a native sidecar among a pod’s ready containers, and its restarts', () => {
    const { row } = table(typeOf('', 'pods'), {
      spec: {
        initContainers: [
          { name: 'istio-init' },
          { name: 'istio-proxy', restartPolicy: 'Always' },
        ],
        containers: [{ name: 'app' }],
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [
          {
            name: 'istio-init',
            state: { terminated: { reason: 'Completed' } },
          },
          { name: 'istio-proxy', ready: true, restartCount: 1 },
        ],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 2 }],
      },
    });
    expect(row).toMatchObject({
      Ready: '2/2',
      Status: 'Running',
      Restarts: 3,
      IP: '<none>',
      'Readiness Gates': '<none>',
    });
  });

  it('prints a secret’s type and data count', () => {
    const { names, row } = table(typeOf('', 'secrets'), {
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'eA==', 'tls.key': 'eA==' },
    });
    expect(names).toEqual(['Name', 'Type', 'Data', 'Age']);
    expect(row).toMatchObject({ Type: 'kubernetes.io/tls', Data: 2 });
  });

  it('shows a CRD’s priority printer columns only as wide ones', () => {
    const resource: ResourceType = {
      group: 'maistra.io',
      version: 'v1',
      kind: 'ServiceMeshMemberRoll',
      plural: 'servicemeshmemberrolls',
      singular: 'servicemeshmemberroll',
      namespaced: true,
      printerColumns: [
        { name: 'Ready', type: 'string', jsonPath: '.status.ready' },
        {
          name: 'Members',
          type: 'string',
          jsonPath: '.status.members',
          priority: 1,
        },
      ],
    };
    const { names, wide, row } = table(resource, {
      status: { ready: '1/2', members: ['a', 'b'] },
    });
    expect(names).toEqual(['Name', 'Ready']);
    expect(wide).toEqual(['Members']);
    expect(row.Members).toBe('[a b]');
  });
});
