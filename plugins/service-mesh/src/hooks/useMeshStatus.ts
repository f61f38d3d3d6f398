import { useCallback, useEffect, useRef, useState } from 'react';
import { getCompoundEntityRef, type Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import type { EntityMeshStatus } from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../api';
import { usePollWhileVisible } from './usePollWhileVisible';

export interface MeshStatusState {
  status?: EntityMeshStatus;
  error?: Error;
  /** True until the first answer (or error) arrives. */
  loading: boolean;
  /** True while a refresh runs; the previous status stays shown. */
  refreshing: boolean;
  refresh: () => void;
}

/**
 * The entity's mesh status, refreshed on demand and polled while the page is
 * visible. A failed refresh keeps the last status so the page does not blank.
 */
export function useMeshStatus(entity: Entity): MeshStatusState {
  const api = useApi(serviceMeshApiRef);
  const { kind, namespace, name } = getCompoundEntityRef(entity);
  const [state, setState] = useState<{
    status?: EntityMeshStatus;
    error?: Error;
    loading: boolean;
    refreshing: boolean;
  }>({ loading: true, refreshing: false });
  // Answers to superseded requests (older refresh, other entity) are dropped.
  const requestId = useRef(0);

  const refresh = useCallback(() => {
    const id = ++requestId.current;
    setState(s => ({ ...s, refreshing: true }));
    api.getEntityStatus({ kind, namespace, name }).then(
      status => {
        if (id === requestId.current) {
          setState({ status, loading: false, refreshing: false });
        }
      },
      error => {
        if (id === requestId.current) {
          setState(s => ({ ...s, error, loading: false, refreshing: false }));
        }
      },
    );
  }, [api, kind, namespace, name]);

  useEffect(() => {
    setState({ loading: true, refreshing: false });
    refresh();
  }, [refresh]);

  usePollWhileVisible(refresh);

  return { ...state, refresh };
}
