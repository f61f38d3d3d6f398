import { CONFIGMAPS, useApiServer } from '../__testUtils__/apiServer';

/** Server-side apply over HTTP: the answers kubectl never provokes. */
describe('server-side apply over HTTP', () => {
  const api = useApiServer();

  const apply = (path: string, body: unknown) =>
    api.raw(path, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify(body),
    });
  const settings = (name: string, data: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data,
  });
  const at = (name: string) => `/api/v1/namespaces/default/configmaps/${name}`;

  it('needs a field manager: 422 with nothing written', async () => {
    const writes = api.cluster.api.writeCount();
    const answer = await apply(at('a'), settings('a'));
    expect(answer.status).toBe(422);
    expect(await answer.json()).toMatchObject({
      reason: 'Invalid',
      message:
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    });
    expect(api.cluster.api.writeCount()).toBe(writes);
  });

  it('creates with 201 and stores nothing on a dry run', async () => {
    const dry = await apply(
      `${at('b')}?fieldManager=test&dryRun=All`,
      settings('b', { x: '1' }),
    );
    expect(dry.status).toBe(201);
    expect(api.cluster.api.get(CONFIGMAPS, 'default', 'b')).toBeUndefined();
    const created = await apply(
      `${at('b')}?fieldManager=test`,
      settings('b', { x: '1' }),
    );
    expect(created.status).toBe(201);
    const updated = await apply(
      `${at('b')}?fieldManager=test`,
      settings('b', { y: '2' }),
    );
    expect(updated.status).toBe(200);
    expect(api.cluster.api.get(CONFIGMAPS, 'default', 'b')?.data).toEqual({
      y: '2',
    });
  });

  it('refuses a configuration of another kind or name (400) and a subresource (415)', async () => {
    const otherKind = await apply(`${at('c')}?fieldManager=test`, {
      ...settings('c'),
      kind: 'Secret',
    });
    expect(otherKind.status).toBe(400);
    const otherName = await apply(
      `${at('c')}?fieldManager=test`,
      settings('d'),
    );
    expect(otherName.status).toBe(400);
    const status = await apply(
      '/api/v1/namespaces/default/pods/p/status?fieldManager=test',
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
    );
    expect(status.status).toBe(415);
  });
});
