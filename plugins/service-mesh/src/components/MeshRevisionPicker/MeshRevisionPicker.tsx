import { useEffect, useState } from 'react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type {
  ControlPlaneInfo,
  ControlPlaneList,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';

/** What the picker puts in the template's parameters. */
export interface MeshRevisionChoice {
  cluster?: string;
  controlPlaneNamespace?: string;
  /** Revision or tag (`istio.io/rev`); absent on OSSM 2, which has none. */
  revision?: string;
}

/** Tags first (they move with upgrades), then ready revisions. */
export function revisionOptions(controlPlane?: ControlPlaneInfo) {
  if (!controlPlane || controlPlane.flavour === 'ossm2') return [];
  return [
    ...controlPlane.tags.map(t => ({
      value: t.name,
      label: `${t.name} (tag → ${t.revision})`,
    })),
    ...controlPlane.revisions
      .filter(r => r.ready && r.injectorReady)
      .map(r => ({
        value: r.name,
        label: `${r.name}${r.version ? ` (${r.version})` : ''}${
          r.isDefault ? ', default' : ''
        }`,
      })),
  ];
}

/**
 * Scaffolder field `MeshRevisionPicker`: cluster, control plane and revision
 * or tag, offered from the live mesh status rather than typed by hand.
 */
export const MeshRevisionPicker = (
  props: FieldExtensionComponentProps<MeshRevisionChoice>,
) => {
  const { formData, onChange, required, rawErrors, schema, idSchema } = props;
  const id = idSchema?.$id ?? 'mesh-revision-picker';
  const api = useApi(serviceMeshApiRef);
  const [overview, setOverview] = useState<ControlPlaneList>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.getControlPlanes().then(setOverview, setError);
  }, [api]);

  const value = formData ?? {};
  const clusters = (overview?.clusters ?? []).filter(
    c => c.controlPlanes.length > 0,
  );
  const cluster = clusters.find(c => c.name === value.cluster);
  const controlPlane = cluster?.controlPlanes.find(
    cp => cp.namespace === value.controlPlaneNamespace,
  );
  const revisions = revisionOptions(controlPlane);

  const choose = (next: MeshRevisionChoice) => {
    const nextCluster = clusters.find(c => c.name === next.cluster);
    const planes = nextCluster?.controlPlanes ?? [];
    const plane =
      planes.find(cp => cp.namespace === next.controlPlaneNamespace) ??
      (planes.length === 1 ? planes[0] : undefined);
    const options = revisionOptions(plane);
    onChange({
      cluster: next.cluster,
      controlPlaneNamespace: plane?.namespace,
      revision: options.some(o => o.value === next.revision)
        ? next.revision
        : options[0]?.value,
    });
  };

  const helperText = () => {
    if (error) return `Could not read the mesh: ${error.message}`;
    if (controlPlane?.flavour === 'ossm2') {
      return 'OpenShift Service Mesh 2 has no revisions: the namespace joins the member roll.';
    }
    return schema.description ?? 'From the live mesh status.';
  };

  return (
    <FormControl
      margin="normal"
      required={required}
      error={Boolean(rawErrors?.length) || Boolean(error)}
      fullWidth
    >
      <TextField
        select
        id={`${id}-cluster`}
        label="Cluster"
        value={cluster?.name ?? ''}
        onChange={e => choose({ cluster: e.target.value })}
        disabled={!overview}
        margin="dense"
        required={required}
      >
        {clusters.map(c => (
          <MenuItem key={c.name} value={c.name}>
            {c.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        id={`${id}-control-plane`}
        label="Control plane"
        value={controlPlane?.namespace ?? ''}
        onChange={e =>
          choose({ ...value, controlPlaneNamespace: e.target.value })
        }
        disabled={!cluster}
        margin="dense"
      >
        {(cluster?.controlPlanes ?? []).map(cp => (
          <MenuItem key={cp.namespace} value={cp.namespace}>
            {`${cp.name ?? 'istiod'} in ${cp.namespace} (${cp.flavour})`}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        id={`${id}-revision`}
        label="Revision or tag"
        value={
          revisions.some(r => r.value === value.revision) ? value.revision : ''
        }
        onChange={e => choose({ ...value, revision: e.target.value })}
        disabled={revisions.length === 0}
        margin="dense"
      >
        {revisions.map(r => (
          <MenuItem key={r.value} value={r.value}>
            {r.label}
          </MenuItem>
        ))}
      </TextField>
      <FormHelperText>{helperText()}</FormHelperText>
    </FormControl>
  );
};

/** The picker's validation: a cluster and control plane are needed. */
export function validateMeshRevision(
  value: MeshRevisionChoice | undefined,
  validation: { addError(message: string): void },
) {
  if (!value?.cluster) validation.addError('Choose a cluster');
  else if (!value.controlPlaneNamespace)
    validation.addError('Choose a control plane');
}
