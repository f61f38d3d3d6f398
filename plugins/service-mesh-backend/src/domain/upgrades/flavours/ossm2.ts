import type { JsonPatchOperation } from '@mesh-backstage/plugin-service-mesh-common';
import { normalizeVersion } from '../../controlPlane';
import { ossm2Flavour } from '../../flavours/ossm2';
import { patchOperation, resourceVersionTest } from '../../plans/operations';
import { injectionLabelsOf } from './labelled';
import type { NamespaceMoveDraft, UpgradeFlavourAdapter } from './types';
import { refuseUpgrade } from './types';

/**
 * OpenShift Service Mesh 2: the SMCP is upgraded in place (`spec.version`,
 * such as v2.5 → v2.6) and the control plane rolls by itself; proxies move
 * only when their pods restart. So the upgrade is the batched, gated restart
 * of the member namespaces, with no relabelling: the revision keeps its
 * name and the gate tells new proxies by their image version.
 */
export const ossm2UpgradeFlavour: UpgradeFlavourAdapter = {
  flavour: 'ossm2',

  plan({ context, controlPlane, request }) {
    const { snapshot } = context;
    const smcp = (snapshot.serviceMeshControlPlanes ?? []).find(
      s =>
        s.metadata.namespace === controlPlane.namespace &&
        s.metadata.name === controlPlane.name,
    );
    if (!smcp) {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-NO-SMCP',
        `No ServiceMeshControlPlane in ${controlPlane.namespace}`,
      );
    }
    if (request.target.type !== 'version') {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-TARGET-TYPE',
        'OpenShift Service Mesh 2 upgrades in place: give target.version (such as v2.6)',
      );
    }
    if (request.options.canary?.tag || request.options.moveTags.length > 0) {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-OSSM2-TAGS',
        'OpenShift Service Mesh 2 has no revision tags: choose canary namespaces by name',
      );
    }
    const revision = controlPlane.revisions[0];
    const current = smcp.spec?.version;
    const version = request.target.version;
    if (normalizeVersion(current) === normalizeVersion(version)) {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-SAME-VERSION',
        `ServiceMeshControlPlane ${smcp.metadata.name} is already at ${current}`,
      );
    }
    const members = snapshot.namespaces
      .filter(ns => ossm2Flavour.membership(controlPlane, ns, snapshot).member)
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const chosen = request.options.canary?.namespaces ?? [];
    const missing = chosen.filter(
      n => !members.some(m => m.metadata.name === n),
    );
    if (missing.length > 0) {
      return refuseUpgrade(
        'input',
        'SM-UPGRADE-CANARY-NAMESPACE',
        `${missing.join(', ')} ${
          missing.length === 1 ? 'is not a member' : 'are not members'
        } of control plane ${controlPlane.namespace}`,
      );
    }
    const moves: NamespaceMoveDraft[] = members.map(ns => ({
      namespace: ns.metadata.name,
      canary: chosen.includes(ns.metadata.name),
      move: 'restartOnly',
      previousLabels: injectionLabelsOf(ns),
      targetLabels: injectionLabelsOf(ns),
    }));
    const patch: JsonPatchOperation[] = [
      ...resourceVersionTest(smcp),
      current === undefined
        ? { op: 'add', path: '/spec/version', value: version }
        : { op: 'test', path: '/spec/version', value: current },
      ...(current === undefined
        ? []
        : [{ op: 'replace' as const, path: '/spec/version', value: version }]),
    ];
    return {
      ok: true,
      targetRevision: revision.name,
      targetVersion: normalizeVersion(version),
      fromVersion: revision.version,
      target: revision,
      inPlace: true,
      controlPlaneSteps: [
        {
          type: 'setVersion',
          resource: {
            apiVersion: smcp.apiVersion,
            kind: smcp.kind,
            namespace: smcp.metadata.namespace,
            name: smcp.metadata.name,
          },
          fromVersion: current,
          toVersion: version,
          operation: patchOperation(
            smcp,
            patch,
            `Set ServiceMeshControlPlane ${smcp.metadata.name} spec.version ${current} → ${version}; the control plane rolls in place`,
          ),
          awaitRevision: revision.name,
        },
      ],
      moves,
      tagMoves: [],
      staying: [],
    };
  },
};
