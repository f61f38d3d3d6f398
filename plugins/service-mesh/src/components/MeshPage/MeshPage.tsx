import { Content } from '@backstage/core-components';
import { Route, Routes, useParams } from 'react-router-dom';
import { MeshOverviewPage } from '../MeshOverviewPage';
import { UpgradePage } from '../UpgradePage';
import { UpgradeWizard } from '../UpgradeWizard';

function UpgradeRoute() {
  const { upgradeId } = useParams();
  return <UpgradePage upgradeId={upgradeId ?? ''} />;
}

/**
 * The "Service mesh" platform page: the mesh across clusters at its root,
 * the upgrade wizard at `upgrades/new` and each upgrade at `upgrades/:id`
 * (the paths of the sub-route refs in src/routes.ts).
 */
export function MeshPage() {
  return (
    <Content>
      <Routes>
        <Route path="/" element={<MeshOverviewPage />} />
        <Route path="/upgrades/new" element={<UpgradeWizard />} />
        <Route path="/upgrades/:upgradeId" element={<UpgradeRoute />} />
      </Routes>
    </Content>
  );
}
