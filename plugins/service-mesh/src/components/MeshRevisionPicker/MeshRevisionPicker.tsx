import { useEffect, useMemo, useState } from 'react';
import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type {
  ControlPlaneInfo,
  ControlPlaneList,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import { plannedChanges } from './plannedChanges';

/** What the picker puts in the template's parameters. */
export interface MeshRevisionChoice {
  cluster?: string;
  controlPlaneNamespace?: string;
  /** Revision or tag (`istio.io/rev`); absent on OSSM 2, which has none. */
  revision?: string;
  /** What the template will change, for the review page (plannedChanges). */
  changes?: string[];
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
  // The whole form so far (the scaffolder's Stepper passes it): the name and
  // egress hosts that the review's list of changes mentions.
  const form = (props.formContext?.formData ?? {}) as {
    name?: string;
    egressHosts?: string[];
  };
  const id = idSchema?.$id ?? 'mesh-revision-picker';
  const api = useApi(serviceMeshApiRef);
  const [overview, setOverview] = useState<ControlPlaneList>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.getControlPlanes().then(setOverview, setError);
  }, [api]);

  const value = useMemo(() => formData ?? {}, [formData]);
  const clusters = (overview?.clusters ?? []).filter(
    c => c.controlPlanes.length > 0,
  );
  const cluster = clusters.find(c => c.name === value.cluster);
  const controlPlane = cluster?.controlPlanes.find(
    cp => cp.namespace === value.controlPlaneNamespace,
  );
  const revisions = revisionOptions(controlPlane);
  const changes = plannedChanges({
    name: form.name,
    cluster: cluster?.name,
    controlPlane,
    revision: value.revision,
    egressHosts: form.egressHosts,
  });
  const changesKey = JSON.stringify(changes);
  useEffect(() => {
    if (!value.cluster || JSON.stringify(value.changes ?? []) === changesKey) {
      return;
    }
    onChange({ ...value, changes: JSON.parse(changesKey) });
  }, [changesKey, value, onChange]);

  const choose = (next: MeshRevisionChoice) => {
    const nextCluster = clusters.find(c => c.name === next.cluster);
    const planes = nextCluster?.controlPlanes ?? [];
    const plane =
      planes.find(cp => cp.namespace === next.controlPlaneNamespace) ??
      (planes.length === 1 ? planes[0] : undefined);
    const options = revisionOptions(plane);
    const revision = options.some(o => o.value === next.revision)
      ? next.revision
      : options[0]?.value;
    onChange({
      cluster: next.cluster,
      controlPlaneNamespace: plane?.namespace,
      revision,
      changes: plannedChanges({
        name: form.name,
        cluster: next.cluster,
        controlPlane: plane,
        revision,
        egressHosts: form.egressHosts,
      }),
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
      {changes.length > 0 && (
        <section aria-labelledby={`${id}-changes`}>
          <Typography variant="subtitle2" component="h3" id={`${id}-changes`}>
            What will change
          </Typography>
          <ul>
            {changes.map(change => (
              <li key={change}>
                <Typography variant="body2">{change}</Typography>
              </li>
            ))}
          </ul>
        </section>
      )}
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
