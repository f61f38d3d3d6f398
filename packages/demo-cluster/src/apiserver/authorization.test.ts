import {
  DemoUser,
  forbidden,
  impersonated,
  isAllowed,
  isPathAllowed,
  READ_ONLY_RULES,
  rulesIn,
} from './authorization';

const admin: DemoUser = { token: 'a', username: 'demo-admin' };
const viewer: DemoUser = {
  token: 'v',
  username: 'viewer',
  rules: READ_ONLY_RULES,
};
const editor: DemoUser = {
  token: 'e',
  username: 'editor',
  rules: [
    {
      verbs: ['get', 'patch'],
      apiGroups: ['apps'],
      resources: ['deployments', 'deployments/scale'],
      namespaces: ['shop'],
    },
    {
      verbs: ['get'],
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['settings'],
    },
  ],
};

const deployments = { group: 'apps', resource: 'deployments' };

describe('isAllowed', () => {
  it('lets a user without rules do everything', () => {
    expect(
      isAllowed(admin, { verb: 'deletecollection', group: '', resource: 'x' }),
    ).toBe(true);
  });

  it('lets the read-only rules read everything, subresources too, and write nothing', () => {
    expect(isAllowed(viewer, { ...deployments, verb: 'watch' })).toBe(true);
    expect(
      isAllowed(viewer, {
        verb: 'get',
        group: '',
        resource: 'pods',
        subresource: 'log',
        namespace: 'shop',
      }),
    ).toBe(true);
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      expect(isAllowed(viewer, { ...deployments, verb, namespace: 'a' })).toBe(
        false,
      );
    }
  });

  it('binds rules with namespaces only in them, never cluster-wide', () => {
    const patch = { ...deployments, verb: 'patch', name: 'web' };
    expect(isAllowed(editor, { ...patch, namespace: 'shop' })).toBe(true);
    expect(isAllowed(editor, { ...patch, namespace: 'other' })).toBe(false);
    // A list across all namespaces is a cluster-scope request.
    expect(isAllowed(editor, { ...deployments, verb: 'get' })).toBe(false);
  });

  it('matches groups, resources, subresources and names exactly', () => {
    const inShop = { verb: 'get', namespace: 'shop' };
    expect(
      isAllowed(editor, { ...inShop, group: '', resource: 'deployments' }),
    ).toBe(false);
    expect(
      isAllowed(editor, { ...inShop, ...deployments, subresource: 'scale' }),
    ).toBe(true);
    expect(
      isAllowed(editor, { ...inShop, ...deployments, subresource: 'status' }),
    ).toBe(false);
    const configmap = { verb: 'get', group: '', resource: 'configmaps' };
    expect(isAllowed(editor, { ...configmap, name: 'settings' })).toBe(true);
    expect(isAllowed(editor, { ...configmap, name: 'other' })).toBe(false);
    expect(isAllowed(editor, configmap)).toBe(false);
  });
});

describe('isPathAllowed', () => {
  it('lets every user get discovery and health paths, and only admins the rest', () => {
    expect(isPathAllowed(viewer, '/apis/apps/v1', 'get')).toBe(true);
    expect(isPathAllowed(viewer, '/openapi/v3', 'get')).toBe(true);
    expect(isPathAllowed(viewer, '/healthz', 'get')).toBe(true);
    expect(isPathAllowed(viewer, '/demo-cluster/faults', 'get')).toBe(false);
    expect(isPathAllowed(viewer, '/api', 'post')).toBe(false);
    expect(isPathAllowed(admin, '/demo-cluster/faults', 'post')).toBe(true);
  });
});

describe('rulesIn', () => {
  it('lists the rules bound in a namespace, without the binding', () => {
    expect(rulesIn(editor, 'shop')).toEqual([
      {
        verbs: ['get', 'patch'],
        apiGroups: ['apps'],
        resources: ['deployments', 'deployments/scale'],
      },
      {
        verbs: ['get'],
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['settings'],
      },
    ]);
    expect(rulesIn(editor, 'other')).toHaveLength(1);
    expect(rulesIn(admin, 'any')).toEqual([
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    ]);
  });
});

describe('forbidden', () => {
  it('words a namespaced 403 as the apiserver does, with its details', () => {
    const error = forbidden(editor, {
      ...deployments,
      verb: 'patch',
      subresource: 'scale',
      namespace: 'other',
      name: 'web',
    });
    expect(error.code).toBe(403);
    expect(error.reason).toBe('Forbidden');
    expect(error.message).toBe(
      'deployments.apps "web" is forbidden: User "editor" cannot patch resource "deployments/scale" in API group "apps" in the namespace "other"',
    );
    expect(error.details).toEqual({
      name: 'web',
      group: 'apps',
      kind: 'deployments',
    });
  });

  it('words a cluster-scope 403 for a collection', () => {
    const error = forbidden(viewer, {
      verb: 'create',
      group: '',
      resource: 'namespaces',
    });
    expect(error.message).toBe(
      'namespaces is forbidden: User "viewer" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
    expect(error.details).toEqual({ kind: 'namespaces' });
  });
});

describe('impersonated', () => {
  const known = [admin, viewer, editor];

  it('acts as the named user, with its rules, when an admin impersonates', () => {
    expect(impersonated(admin, { user: 'viewer', groups: [] }, known)).toEqual({
      token: '',
      username: 'viewer',
      groups: [],
      rules: READ_ONLY_RULES,
    });
    expect(
      impersonated(admin, { user: 'demo-admin', groups: [] }, known).rules,
    ).toBeUndefined();
  });

  it('gives an unknown user no rights, unless it is put in system:masters', () => {
    const nobody = impersonated(
      admin,
      { user: 'system:serviceaccount:shop:ci', groups: [] },
      known,
    );
    expect(
      isAllowed(nobody, { verb: 'get', group: '', resource: 'pods' }),
    ).toBe(false);
    const master = impersonated(
      admin,
      { user: 'ops', groups: ['system:masters'] },
      known,
    );
    expect(master.rules).toBeUndefined();
  });

  it('refuses impersonation to a user with rules, with the apiserver’s 403', () => {
    expect(() =>
      impersonated(viewer, { user: 'demo-admin', groups: [] }, known),
    ).toThrow(
      expect.objectContaining({
        code: 403,
        message:
          'users "demo-admin" is forbidden: User "viewer" cannot impersonate resource "users" in API group "" at the cluster scope',
      }),
    );
  });

  it('leaves a request without the headers as it is', () => {
    expect(impersonated(viewer, { groups: [] }, known)).toBe(viewer);
  });
});
