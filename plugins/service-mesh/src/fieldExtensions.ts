import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import {
  MeshRevisionPicker,
  validateMeshRevision,
} from './components/MeshRevisionPicker';
import { serviceMeshPlugin } from './plugin';

/**
 * `MeshRevisionPicker` for apps on the legacy frontend system: put it inside
 * `<ScaffolderFieldExtensions>` of the scaffolder route.
 *
 * @public
 */
export const MeshRevisionPickerFieldExtension = serviceMeshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshRevisionPicker',
    component: MeshRevisionPicker,
    validation: validateMeshRevision,
  }),
);
