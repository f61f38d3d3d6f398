import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/service-mesh',
    routeRef: rootRouteRef,
    loader: () => import('./components/TodoPage').then(m => <m.TodoPage />),
  },
});

export const serviceMeshPlugin = createFrontendPlugin({
  pluginId: 'service-mesh',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  },
});
