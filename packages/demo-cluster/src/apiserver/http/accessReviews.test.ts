import { configMap, failure, useApiServer } from '../__testUtils__/apiServer';

/*
 * Limited tokens through @kubernetes/client-node, as the backend would use
 * them: a SelfSubjectAccessReview precheck, then the write it allows or the
 * 403 it predicts.
 */
describe('limited tokens and access reviews over HTTP', () => {
  const api = useApiServer({
    users: [
      {
        token: 'shop-writer',
        username: 'shop-writer',
        rules: [
          {
            verbs: ['get', 'list', 'create'],
            resources: ['configmaps'],
            namespaces: ['default'],
          },
        ],
      },
    ],
  });

  const clientFor = (token: string) => {
    const kc = new api.k8s.KubeConfig();
    const config = api.cluster.kubeconfig('demo');
    config.users[0].user.token = token;
    kc.loadFromString(JSON.stringify(config));
    return {
      core: kc.makeApiClient(api.k8s.CoreV1Api),
      authorization: kc.makeApiClient(api.k8s.AuthorizationV1Api),
    };
  };

  const review = (
    client: ReturnType<typeof clientFor>,
    attributes: Record<string, string>,
  ) =>
    client.authorization.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: attributes } },
    });

  it('answers the review from the token’s rules, and enforces the same rules', async () => {
    const writer = clientFor('shop-writer');
    const allowed = await review(writer, {
      verb: 'create',
      resource: 'configmaps',
      namespace: 'default',
    });
    expect(allowed.status).toMatchObject({ allowed: true });
    await writer.core.createNamespacedConfigMap({
      namespace: 'default',
      body: configMap('allowed'),
    });

    const denied = await review(writer, {
      verb: 'create',
      resource: 'configmaps',
      namespace: 'kube-system',
    });
    expect(denied.status).toMatchObject({ allowed: false });
    const writes = api.cluster.api.writeCount();
    expect(
      await failure(
        writer.core.createNamespacedConfigMap({
          namespace: 'kube-system',
          body: configMap('denied'),
        }),
      ),
    ).toMatchObject({
      code: 403,
      status: {
        kind: 'Status',
        status: 'Failure',
        reason: 'Forbidden',
        message:
          'configmaps is forbidden: User "shop-writer" cannot create resource "configmaps" in API group "" in the namespace "kube-system"',
        details: { kind: 'configmaps' },
        code: 403,
      },
    });
    expect(api.cluster.api.writeCount()).toBe(writes);
  });

  it('lets the admin token do everything', async () => {
    const admin = clientFor(api.cluster.token);
    const result = await review(admin, {
      verb: 'delete',
      group: 'apps',
      resource: 'deployments',
      namespace: 'anything',
    });
    expect(result.status).toMatchObject({ allowed: true });
  });

  it('refuses a review without attributes, and any verb but create', async () => {
    expect(
      await failure(
        clientFor(
          api.cluster.token,
        ).authorization.createSelfSubjectAccessReview({ body: { spec: {} } }),
      ),
    ).toMatchObject({ code: 400, status: { reason: 'BadRequest' } });
    const get = await api.raw(
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    );
    expect(get.status).toBe(405);
  });

  it('keeps unknown tokens out, and the fault API for the admin token', async () => {
    expect(await failure(clientFor('nope').core.listNamespace())).toMatchObject(
      { code: 401 },
    );
    const faults = await fetch(`${api.cluster.url}/demo-cluster/faults`, {
      headers: { Authorization: 'Bearer shop-writer' },
    });
    expect(faults.status).toBe(403);
    expect(await faults.json()).toMatchObject({
      reason: 'Forbidden',
      message:
        'forbidden: User "shop-writer" cannot get path "/demo-cluster/faults"',
    });
  });

  it('lists reviews in discovery as create-only', async () => {
    const list = await (await api.raw('/apis/authorization.k8s.io/v1')).json();
    expect(list.resources).toContainEqual(
      expect.objectContaining({
        name: 'selfsubjectaccessreviews',
        verbs: ['create'],
      }),
    );
  });
});
