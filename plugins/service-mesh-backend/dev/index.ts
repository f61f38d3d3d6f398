import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

// A minimal backend for working on this plugin alone, against the clusters
// in the repo's app-config.yaml (the demo clusters from `npm start`, or
// `yarn demo-cluster --scenario ossm2,istio-revisions,sail --port 6551`).
//
//   curl http://localhost:7007/api/service-mesh/entities/component/default/bookinfo/status
//   curl -X POST http://localhost:7007/api/service-mesh/entities/component/default/legacy-billing/actions/enroll \
//     -H 'Content-Type: application/json' -d '{"cluster":"demo-ossm2","namespace":"legacy-billing","dryRun":true}'

const backend = createBackend();

backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(
  catalogServiceMock.factory({
    entities: ['bookinfo', 'legacy-billing', 'catalog-service'].map(name => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        annotations: { 'backstage.io/kubernetes-id': name },
      },
      spec: { type: 'service', owner: 'guests', lifecycle: 'production' },
    })),
  }),
);

backend.add(import('../src'));

backend.start();
