import { builtinResources } from './builtinResources';
import { fieldsOf, serverSideApply } from './serverSideApply';
import { KubeObject } from './types';

const DEPLOYMENTS = builtinResources.find(r => r.plural === 'deployments')!;
const NOW = '2026-01-01T00:00:00Z';

const config = (
  spec: Record<string, unknown>,
  labels: Record<string, string> = { app: 'web' },
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels },
  spec,
});

const apply = (
  live: KubeObject | undefined,
  body: Record<string, unknown>,
  manager: string,
  force = false,
) =>
  serverSideApply({
    resource: DEPLOYMENTS,
    apiVersion: 'apps/v1',
    live,
    config: body,
    manager,
    force,
    now: NOW,
  });

const container = (name: string, image: string) => ({ name, image });

describe('fieldsOf', () => {
  it('keys containers by name and leaves other lists atomic', () => {
    expect(
      fieldsOf({
        metadata: { name: 'web' },
        spec: {
          members: ['a', 'b'],
          containers: [container('app', 'app:1')],
        },
      }),
    ).toEqual({
      'f:metadata': { 'f:name': {} },
      'f:spec': {
        'f:members': {},
        'f:containers': {
          'k:{"name":"app"}': { '.': {}, 'f:name': {}, 'f:image': {} },
        },
      },
    });
  });
});

describe('serverSideApply', () => {
  it('records the manager’s fields on a new object', () => {
    const created = apply(undefined, config({ replicas: 2 }), 'kubectl');
    expect(created.spec).toEqual({ replicas: 2 });
    expect(created.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: NOW,
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsOf(config({ replicas: 2 })),
      },
    ]);
  });

  it('removes fields the manager no longer applies, and keeps what others set', () => {
    const first = apply(
      undefined,
      config({ replicas: 2, paused: false }, { app: 'web', tier: 'front' }),
      'kubectl',
    );
    // Another writer (an update) adds a label; it owns no field.
    first.metadata.labels = { ...first.metadata.labels, owner: 'ops' };
    const second = apply(first, config({ replicas: 3 }), 'kubectl');
    expect(second.spec).toEqual({ replicas: 3 });
    expect(second.metadata.labels).toEqual({ app: 'web', owner: 'ops' });
    expect(second.metadata.managedFields).toHaveLength(1);
  });

  it('merges keyed lists by key, so two managers can own different containers', () => {
    const template = (name: string, image: string) => ({
      template: { spec: { containers: [container(name, image)] } },
    });
    const first = apply(undefined, config(template('app', 'app:1')), 'team');
    const both = apply(first, config(template('log', 'log:1')), 'logging');
    expect(
      (both.spec as any).template.spec.containers.map((c: any) => c.name),
    ).toEqual(['app', 'log']);
    // The team drops nothing of logging's when it applies again.
    const again = apply(both, config(template('app', 'app:2')), 'team');
    expect((again.spec as any).template.spec.containers).toEqual([
      container('app', 'app:2'),
      container('log', 'log:1'),
    ]);
  });

  it('is a 409 Conflict when another applier owns a field with another value, unless forced', () => {
    const first = apply(undefined, config({ replicas: 2 }), 'team');
    expect(() =>
      apply(first, config({ replicas: 2 }), 'autoscaler'),
    ).not.toThrow();
    let error: any;
    try {
      apply(first, config({ replicas: 5 }), 'autoscaler');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Apply failed with 1 conflict: conflict with "team" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "team" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
    });
    const forced = apply(first, config({ replicas: 5 }), 'autoscaler', true);
    expect((forced.spec as any).replicas).toBe(5);
    const team = (forced.metadata.managedFields as any[]).find(
      e => e.manager === 'team',
    );
    expect(team.fieldsV1['f:spec']).toBeUndefined();
  });
});
