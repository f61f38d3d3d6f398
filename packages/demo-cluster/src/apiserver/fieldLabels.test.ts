import { builtinResources } from './builtinResources';
import { checkFieldLabels, supportedFieldLabels } from './fieldLabels';
import { compileSelectors } from './selectors';

const resource = (group: string, plural: string) =>
  builtinResources.find(r => r.group === group && r.plural === plural)!;

describe('field labels', () => {
  it('allows metadata.namespace only on namespaced kinds, and the per-kind extras', () => {
    expect(supportedFieldLabels(resource('', 'namespaces'))).toEqual([
      'metadata.name',
      'status.phase',
    ]);
    expect(supportedFieldLabels(resource('apps', 'deployments'))).toEqual([
      'metadata.name',
      'metadata.namespace',
    ]);
    expect(supportedFieldLabels(resource('', 'pods'))).toContain(
      'spec.nodeName',
    );
  });

  it('refuses an unsupported label with the apiserver message, naming the group version', () => {
    expect(() =>
      checkFieldLabels(resource('apps', 'deployments'), 'v1', {
        labelSelector: 'app=x',
        fieldSelector: 'metadata.name=a,spec.replicas=1',
      }),
    ).toThrow(
      'Unable to find "apps/v1, Resource=deployments" that match label selector "app=x", field selector "metadata.name=a,spec.replicas=1": field label not supported: spec.replicas',
    );
    expect(() =>
      checkFieldLabels(resource('', 'namespaces'), 'v1', {
        fieldSelector: 'metadata.namespace=x',
      }),
    ).toThrow(expect.objectContaining({ code: 400, reason: 'BadRequest' }));
  });

  it('accepts event labels, source meaning source.component', () => {
    const events = resource('', 'events');
    expect(() =>
      checkFieldLabels(events, 'v1', {
        fieldSelector: 'involvedObject.name=web,source=kubelet,type=Normal',
      }),
    ).not.toThrow();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      source: { component: 'kubelet' },
    };
    expect(compileSelectors({ fieldSelector: 'source=kubelet' })(event)).toBe(
      true,
    );
  });
});
