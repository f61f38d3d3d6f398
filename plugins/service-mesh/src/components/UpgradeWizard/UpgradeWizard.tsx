import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type {
  MeshOverview,
  UpgradePlanResponse,
  UpgradeRequestBody,
} from '@mesh-backstage/plugin-service-mesh-common';
import { serviceMeshApiRef } from '../../api';
import { useUpgradePermissions } from '../../hooks/useUpgradePermissions';
import { controlPlaneName } from '../../lib/meshSummary';
import { upgradeRouteRef } from '../../routes';
import { errorMessage } from '../ActionDialog/meshActionIntent';
import { PrecheckOverrides } from './PrecheckOverrides';
import { UpgradePlanView } from './UpgradePlanView';

/** A precheck's name, as `options.force` lists them. */
type PrecheckName = Exclude<
  NonNullable<NonNullable<UpgradeRequestBody['options']>['force']>,
  boolean
>[number];

interface WizardForm {
  cluster: string;
  /** `<namespace>/<name>` of the control plane. */
  controlPlane: string;
  fromRevision: string;
  targetType: 'revision' | 'version';
  targetRevision: string;
  version: string;
  canaryNamespaces: string[];
  batchSize: number;
  parallelism: number;
  readinessDeadlineSeconds: number;
  pauseAfterCanary: boolean;
  moveTags: string[];
  /** Failed prechecks to override. */
  force: string[];
}

const cpKey = (cp: { namespace: string; name?: string }) =>
  `${cp.namespace}/${cp.name ?? ''}`;

function SelectField(props: {
  id: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const { id, label, value, options, onChange } = props;
  return (
    <TextField
      select
      fullWidth
      id={id}
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
    >
      {options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** The defaults a form starts from, and returns to when the cluster or control plane changes. */
function defaultsFor(
  overview: MeshOverview,
  cluster: string,
  controlPlane?: string,
): WizardForm {
  const c = overview.clusters.find(x => x.name === cluster);
  const cp =
    c?.controlPlanes.find(x => cpKey(x) === controlPlane) ??
    c?.controlPlanes[0];
  const revisions = cp?.revisions.map(r => r.name) ?? [];
  const inUse = (revision: string) =>
    c?.namespaces.filter(n => n.injection.effectiveRevision === revision)
      .length ?? 0;
  const fromRevision =
    [...revisions].sort((a, b) => inUse(b) - inUse(a))[0] ?? '';
  return {
    cluster,
    controlPlane: cp ? cpKey(cp) : '',
    fromRevision,
    targetType: cp?.flavour === 'sail' ? 'version' : 'revision',
    targetRevision: revisions.find(r => r !== fromRevision) ?? '',
    version: '',
    canaryNamespaces: [],
    batchSize: 10,
    parallelism: 1,
    readinessDeadlineSeconds: 300,
    pauseAfterCanary: true,
    moveTags: [],
    force: [],
  };
}

export function toUpgradeRequest(form: WizardForm): UpgradeRequestBody {
  const [namespace, name] = form.controlPlane.split('/');
  return {
    cluster: form.cluster,
    controlPlane: name ? { namespace, name } : { namespace },
    fromRevision: form.fromRevision,
    target:
      form.targetType === 'version'
        ? { type: 'version', version: form.version.trim() }
        : { type: 'revision', revision: form.targetRevision },
    options: {
      canary: form.canaryNamespaces.length
        ? { namespaces: form.canaryNamespaces }
        : undefined,
      batchSize: form.batchSize,
      parallelism: form.parallelism,
      readinessDeadlineSeconds: form.readinessDeadlineSeconds,
      pauseAfterCanary: form.pauseAfterCanary,
      moveTags: form.moveTags,
      force: form.force.length ? (form.force as PrecheckName[]) : undefined,
    },
  };
}

/**
 * Plans an upgrade and shows the backend's prechecks and dry-run plan
 * before anything is written; starting it sends the same request.
 */
export function UpgradeWizard() {
  const api = useApi(serviceMeshApiRef);
  const navigate = useNavigate();
  const upgradeLink = useRouteRef(upgradeRouteRef);
  const { create } = useUpgradePermissions();
  const [overview, setOverview] = useState<{
    value?: MeshOverview;
    error?: Error;
    loading: boolean;
  }>({ loading: true });
  useEffect(() => {
    api.getMeshOverview().then(
      value => setOverview({ value, loading: false }),
      error => setOverview({ error, loading: false }),
    );
  }, [api]);
  const [form, setForm] = useState<WizardForm>();
  const [plan, setPlan] = useState<UpgradePlanResponse['plan']>();
  const [error, setError] = useState<string>();
  /** The prechecks the last dry run found failing, overridable or overridden. */
  const [failedChecks, setFailedChecks] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const first = overview.value?.clusters.find(c => c.controlPlanes.length);
    if (overview.value && first && !form) {
      setForm(defaultsFor(overview.value, first.name));
    }
  }, [overview.value, form]);

  const cluster = overview.value?.clusters.find(c => c.name === form?.cluster);
  const controlPlane = cluster?.controlPlanes.find(
    cp => cpKey(cp) === form?.controlPlane,
  );
  const namespaces = useMemo(
    () =>
      (cluster?.namespaces ?? [])
        .filter(
          ns =>
            controlPlane &&
            ns.controlPlane?.namespace === controlPlane.namespace &&
            ns.injection.effectiveRevision === form?.fromRevision,
        )
        .map(ns => ns.name),
    [cluster, controlPlane, form?.fromRevision],
  );

  if (overview.loading) return <Progress />;
  if (overview.error || !overview.value) {
    return (
      <ResponseErrorPanel error={overview.error ?? new Error('No answer')} />
    );
  }
  if (!form) {
    return <Typography>No cluster has a control plane to upgrade.</Typography>;
  }
  const mesh = overview.value;
  const change = (patch: Partial<WizardForm>) => {
    setForm({ ...form, ...patch });
    setPlan(undefined); // A changed form needs a new dry run.
    setError(undefined);
  };
  const run = async (step: 'plan' | 'start') => {
    setBusy(true);
    setError(undefined);
    try {
      const request = toUpgradeRequest(form);
      if (step === 'plan') {
        const planned = (await api.planUpgrade(request)).plan;
        setPlan(planned);
        setFailedChecks(
          planned.prechecks.filter(p => !p.passed).map(p => p.name),
        );
      } else {
        const upgrade = await api.createUpgrade(request);
        if (upgradeLink) navigate(upgradeLink({ upgradeId: upgrade.id }));
      }
    } catch (e) {
      setError(errorMessage(e as Error));
    } finally {
      setBusy(false);
    }
  };
  const blockedReason = plan?.blocked
    ? `A precheck blocks the upgrade: ${plan.prechecks
        .filter(p => p.blocking)
        .map(p => p.name)
        .join(', ')}`
    : undefined;
  const revisions = controlPlane?.revisions.map(r => r.name) ?? [];
  const numberField = (
    key: 'batchSize' | 'parallelism' | 'readinessDeadlineSeconds',
    label: string,
  ) => (
    <TextField
      id={`upgrade-${key}`}
      type="number"
      label={label}
      value={form[key]}
      inputProps={{ min: 1 }}
      onChange={e => change({ [key]: Number(e.target.value) })}
    />
  );

  return (
    <InfoCard title="Start a control-plane upgrade">
      {create.reason && <Alert severity="info">{create.reason}</Alert>}
      <Grid container spacing={2}>
        <Grid item xs={12} md={4}>
          <SelectField
            id="upgrade-cluster"
            label="Cluster"
            value={form.cluster}
            options={mesh.clusters
              .filter(c => c.controlPlanes.length)
              .map(c => ({ value: c.name, label: c.name }))}
            onChange={value => {
              setForm(defaultsFor(mesh, value));
              setPlan(undefined);
            }}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <SelectField
            id="upgrade-control-plane"
            label="Control plane"
            value={form.controlPlane}
            options={(cluster?.controlPlanes ?? []).map(cp => ({
              value: cpKey(cp),
              label: controlPlaneName(cp),
            }))}
            onChange={value => {
              setForm(defaultsFor(mesh, form.cluster, value));
              setPlan(undefined);
            }}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <SelectField
            id="upgrade-from-revision"
            label="From revision"
            value={form.fromRevision}
            options={revisions.map(r => ({ value: r, label: r }))}
            onChange={value =>
              // The target cannot be the revision it starts from.
              change({
                fromRevision: value,
                targetRevision:
                  form.targetRevision === value
                    ? revisions.find(r => r !== value) ?? ''
                    : form.targetRevision,
              })
            }
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <SelectField
            id="upgrade-target-type"
            label="Target"
            value={form.targetType}
            options={[
              { value: 'revision', label: 'An installed revision' },
              { value: 'version', label: 'A new version (Sail, OSSM 2)' },
            ]}
            onChange={value =>
              change({ targetType: value as WizardForm['targetType'] })
            }
          />
        </Grid>
        <Grid item xs={12} md={4}>
          {form.targetType === 'revision' ? (
            <SelectField
              id="upgrade-target-revision"
              label="Target revision"
              value={form.targetRevision}
              options={revisions
                .filter(r => r !== form.fromRevision)
                .map(r => ({ value: r, label: r }))}
              onChange={value => change({ targetRevision: value })}
            />
          ) : (
            <TextField
              fullWidth
              id="upgrade-target-version"
              label="Target version"
              placeholder="v1.24.3"
              value={form.version}
              onChange={e => change({ version: e.target.value })}
            />
          )}
        </Grid>
        <Grid item xs={12}>
          <Autocomplete
            id="upgrade-canary-namespaces"
            multiple
            options={namespaces}
            value={form.canaryNamespaces}
            onChange={(_, value) => change({ canaryNamespaces: value })}
            renderInput={params => (
              <TextField
                {...params}
                label="Canary namespaces (go first)"
                helperText={`Namespaces on ${form.fromRevision}; none: the first batch is the canary`}
              />
            )}
          />
        </Grid>
        <Grid item xs={12}>
          <Box display="flex" flexWrap="wrap" style={{ gap: 16 }}>
            {numberField('batchSize', 'Batch size')}
            {numberField('parallelism', 'Batches at once')}
            {numberField('readinessDeadlineSeconds', 'Gate deadline (s)')}
            <FormControlLabel
              control={
                <Checkbox
                  checked={form.pauseAfterCanary}
                  onChange={e => change({ pauseAfterCanary: e.target.checked })}
                />
              }
              label="Pause after the canary for promotion"
            />
          </Box>
        </Grid>
        <Grid item xs={12}>
          <Autocomplete
            id="upgrade-move-tags"
            multiple
            options={controlPlane?.tags.map(t => t.name) ?? []}
            value={form.moveTags}
            onChange={(_, value) => change({ moveTags: value })}
            renderInput={params => (
              <TextField {...params} label="Tags to move at the end" />
            )}
          />
        </Grid>
      </Grid>
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 16 }}>
        <Button
          variant="outlined"
          onClick={() => run('plan')}
          disabled={busy || !create.allowed}
        >
          Plan (dry run)
        </Button>
        <Button
          variant="contained"
          color="primary"
          onClick={() => run('start')}
          disabled={busy || !plan || plan.blocked || !create.allowed}
          aria-describedby="start-upgrade-reason"
        >
          Start upgrade
        </Button>
        <Typography variant="body2" id="start-upgrade-reason">
          {create.reason ??
            blockedReason ??
            (plan ? '' : 'Plan first: the dry run shows what will change.')}
        </Typography>
      </Box>
      <PrecheckOverrides
        failed={failedChecks}
        forced={form.force}
        onChange={force => change({ force })}
      />
      {error && (
        <Box mt={2}>
          <Alert severity="error">{error}</Alert>
        </Box>
      )}
      {plan && (
        <Box mt={2}>
          <UpgradePlanView plan={plan} />
        </Box>
      )}
    </InfoCard>
  );
}
