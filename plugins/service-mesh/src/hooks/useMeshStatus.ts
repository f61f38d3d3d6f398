import { useCallback, useState } from 'react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../api';
import { entityStatusChannel } from '@mesh-backstage/plugin-service-mesh-common';
import { LiveConnection, useLiveData } from './useLiveData';

export interface MeshStatusState {
  status?: EntityMeshStatus;
  error?: Error;
  /** True until the first answer (or error) arrives. */
  loading: boolean;
  /** True while a refresh runs; the previous status stays shown. */
  refreshing: boolean;
  /** Whether signals keep the status current, or it is polled. */
  connection: LiveConnection;
  refresh: () => void;
}

/**
 * The entity's mesh status, reloaded whenever the backend signals a change
 * on the entity's channel, and polled every 30 s while the page is visible
 * when the app has no signals. A failed refresh keeps the last status so
 * the page does not blank.
 */
export function useMeshStatus(entity: Entity): MeshStatusState {
  const api = useApi(serviceMeshApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const [refreshing, setRefreshing] = useState(false);
  const load = useCallback(() => {
    setRefreshing(true);
    return api
      .getEntityStatus({ kind, namespace, name })
      .finally(() => setRefreshing(false));
  }, [api, kind, namespace, name]);
  const live = useLiveData(
    entityStatusChannel(stringifyEntityRef({ kind, namespace, name })),
    load,
  );
  return {
    status: live.value,
    error: live.error,
    loading: live.loading,
    refreshing,
    connection: live.connection,
    refresh: live.reload,
  };
}
