import { RealSchemaValidator } from '../__testUtils__/crdSchemas';
import { ClusterStore } from '../apiserver/ClusterStore';
import { KubeObject } from '../apiserver/types';
import {
  NETWORK_ATTACHMENT_DEFINITIONS,
  SERVICE_MESH_CONTROL_PLANES,
  SERVICE_MESH_MEMBERS,
  SERVICE_MESH_MEMBER_ROLLS,
  installMeshCrds,
} from '../meshCrds';
import { waitFor } from '../waitFor';
import { DEPLOYMENTS, NAMESPACES, ensureNamespace } from './common';
import { startOssm2Controller } from './ossm2';
import { startWorkloadsController } from './workloads';

const smcp = (namespace: string): KubeObject => ({
  apiVersion: 'maistra.io/v2',
  kind: 'ServiceMeshControlPlane',
  metadata: { name: 'basic', namespace },
  spec: { version: 'v2.5', tracing: { type: 'None' } },
});

const roll = (namespace: string, members: string[]): KubeObject => ({
  apiVersion: 'maistra.io/v1',
  kind: 'ServiceMeshMemberRoll',
  metadata: { name: 'default', namespace },
  spec: { members },
});

describe('OSSM 2 operator', () => {
  let store: ClusterStore;
  let stop: Array<() => void>;
  const validator = new RealSchemaValidator();

  beforeEach(() => {
    store = new ClusterStore();
    installMeshCrds(store);
    ensureNamespace(store, 'istio-system');
    ensureNamespace(store, 'tenant-b-system');
    stop = [
      startWorkloadsController(store, { readyDelayMs: 0 }),
      startOssm2Controller(store),
    ];
  });
  afterEach(() => stop.forEach(s => s()));

  const memberOf = (ns: string) =>
    store.get(NAMESPACES, undefined, ns)?.metadata.labels?.[
      'maistra.io/member-of'
    ];
  const rollStatus = (ns = 'istio-system') =>
    (store.get(SERVICE_MESH_MEMBER_ROLLS, ns, 'default')?.status ??
      {}) as Record<string, unknown>;

  it('configures existing members, keeps missing ones pending and follows changes', async () => {
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('istio-system'));
    ensureNamespace(store, 'bookinfo');
    store.create(
      SERVICE_MESH_MEMBER_ROLLS,
      roll('istio-system', ['bookinfo', 'shipping']),
    );

    await waitFor(
      () =>
        (rollStatus().configuredMembers as string[] | undefined)?.length === 1,
    );
    expect(rollStatus()).toMatchObject({
      members: ['bookinfo', 'shipping'],
      configuredMembers: ['bookinfo'],
      pendingMembers: ['shipping'],
      memberStatuses: [
        {
          namespace: 'bookinfo',
          conditions: [{ type: 'Reconciled', status: 'True' }],
        },
        {
          namespace: 'shipping',
          conditions: [
            {
              type: 'Reconciled',
              status: 'False',
              reason: 'NamespaceNotExists',
            },
          ],
        },
      ],
    });
    expect(memberOf('bookinfo')).toBe('istio-system');
    expect(
      store.get(NETWORK_ATTACHMENT_DEFINITIONS, 'bookinfo', 'v2-5-istio-cni'),
    ).toBeDefined();

    // The pending member is configured once its namespace exists.
    ensureNamespace(store, 'shipping');
    await waitFor(() => memberOf('shipping') === 'istio-system');
    await waitFor(() => (rollStatus().pendingMembers as string[]).length === 0);

    // Removing a member removes the label.
    const current = store.get(
      SERVICE_MESH_MEMBER_ROLLS,
      'istio-system',
      'default',
    )!;
    store.update(SERVICE_MESH_MEMBER_ROLLS, {
      ...current,
      spec: { members: ['shipping'] },
    });
    await waitFor(() => memberOf('bookinfo') === undefined);
    expect(
      store.get(NETWORK_ATTACHMENT_DEFINITIONS, 'bookinfo', 'v2-5-istio-cni'),
    ).toBeUndefined();
    await waitFor(
      () => (rollStatus().members as string[]).join() === 'shipping',
    );
    expect(
      validator.errors(
        store.get(SERVICE_MESH_MEMBER_ROLLS, 'istio-system', 'default')!,
      ),
    ).toEqual([]);
  });

  it('enrols namespaces matched by memberSelectors', async () => {
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('istio-system'));
    store.create(SERVICE_MESH_MEMBER_ROLLS, {
      ...roll('istio-system', []),
      spec: { memberSelectors: [{ matchLabels: { mesh: 'yes' } }] },
    });
    ensureNamespace(store, 'inventory', { mesh: 'yes' });
    await waitFor(() => memberOf('inventory') === 'istio-system');
    expect(rollStatus()).toMatchObject({
      members: ['inventory'],
      configuredMembers: ['inventory'],
    });

    const ns = store.get(NAMESPACES, undefined, 'inventory')!;
    store.update(NAMESPACES, {
      ...ns,
      metadata: {
        ...ns.metadata,
        labels: { mesh: 'no', 'maistra.io/member-of': 'istio-system' },
      },
    });
    await waitFor(() => memberOf('inventory') === undefined);
  });

  it('adds a namespace through a ServiceMeshMember, creating the member roll', async () => {
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('istio-system'));
    ensureNamespace(store, 'payments');
    store.create(SERVICE_MESH_MEMBERS, {
      apiVersion: 'maistra.io/v1',
      kind: 'ServiceMeshMember',
      metadata: { name: 'default', namespace: 'payments' },
      spec: { controlPlaneRef: { name: 'basic', namespace: 'istio-system' } },
    });
    await waitFor(() => memberOf('payments') === 'istio-system');
    await waitFor(() =>
      (rollStatus().configuredMembers as string[] | undefined)?.includes(
        'payments',
      ),
    );
    const member = await waitFor(() => {
      const m = store.get(SERVICE_MESH_MEMBERS, 'payments', 'default');
      const ready = (
        m?.status as { conditions?: Array<{ type: string; status: string }> }
      )?.conditions?.find(c => c.type === 'Ready');
      return ready?.status === 'True' && m;
    });
    expect(member.status).toMatchObject({
      annotations: { controlPlaneRef: 'istio-system/basic' },
      conditions: [
        { type: 'Reconciled', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
    });
    expect(validator.errors(member)).toEqual([]);

    store.delete(SERVICE_MESH_MEMBERS, 'payments', 'default');
    await waitFor(() => memberOf('payments') === undefined);
  });

  it('lets a namespace belong to one member roll only', async () => {
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('istio-system'));
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('tenant-b-system'));
    ensureNamespace(store, 'shared');
    store.create(SERVICE_MESH_MEMBER_ROLLS, roll('istio-system', ['shared']));
    await waitFor(() => memberOf('shared') === 'istio-system');
    store.create(
      SERVICE_MESH_MEMBER_ROLLS,
      roll('tenant-b-system', ['shared']),
    );
    await waitFor(
      () =>
        (rollStatus('tenant-b-system').pendingMembers as string[] | undefined)
          ?.length === 1,
    );
    expect(rollStatus('tenant-b-system')).toMatchObject({
      configuredMembers: [],
      pendingMembers: ['shared'],
    });
    expect(memberOf('shared')).toBe('istio-system');
  });

  it('keeps a version update paused while a component cannot roll out', async () => {
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('istio-system'));
    const status = () =>
      (store.get(SERVICE_MESH_CONTROL_PLANES, 'istio-system', 'basic')
        ?.status ?? {}) as {
        chartVersion?: string;
        annotations?: { readyComponentCount?: string };
        conditions?: Array<{ type: string; reason?: string; message?: string }>;
      };
    const reconciled = () =>
      status().conditions?.find(c => c.type === 'Reconciled');
    await waitFor(() => status().annotations?.readyComponentCount === '6/6');
    // istiod scaled down by hand: the operator leaves the scale alone.
    const istiod = store.get(DEPLOYMENTS, 'istio-system', 'istiod-basic')!;
    store.update(DEPLOYMENTS, {
      ...istiod,
      spec: { ...(istiod.spec as object), replicas: 0 },
    });
    const current = store.get(
      SERVICE_MESH_CONTROL_PLANES,
      'istio-system',
      'basic',
    )!;
    store.update(SERVICE_MESH_CONTROL_PLANES, {
      ...current,
      spec: { ...(current.spec as object), version: 'v2.6' },
    });
    await waitFor(() => status().annotations?.readyComponentCount === '5/6');
    expect(reconciled()).toMatchObject({
      reason: 'PausingUpdate',
      message: 'Paused until istiod-basic becomes ready',
    });
    expect(status().chartVersion).toBe('2.5.2');

    const scaled = store.get(DEPLOYMENTS, 'istio-system', 'istiod-basic')!;
    store.update(DEPLOYMENTS, {
      ...scaled,
      spec: { ...(scaled.spec as object), replicas: 1 },
    });
    await waitFor(() => reconciled()?.reason === 'UpdateSuccessful');
    expect(status().chartVersion).toBe('2.6.5');
  });

  it('reports the control plane ready once its components are', async () => {
    store.create(SERVICE_MESH_CONTROL_PLANES, smcp('istio-system'));
    const ready = await waitFor(() => {
      const s = store.get(SERVICE_MESH_CONTROL_PLANES, 'istio-system', 'basic');
      const condition = (
        s?.status as { conditions?: Array<{ type: string; status: string }> }
      )?.conditions?.find(c => c.type === 'Ready');
      return condition?.status === 'True' && s;
    });
    expect(ready.status).toMatchObject({
      annotations: { readyComponentCount: '6/6' },
      readiness: {
        components: {
          ready: [
            'grafana',
            'istio-egressgateway',
            'istio-ingressgateway',
            'istiod-basic',
            'kiali',
            'prometheus',
          ],
        },
      },
    });
    expect(validator.errors(ready)).toEqual([]);
  });
});
