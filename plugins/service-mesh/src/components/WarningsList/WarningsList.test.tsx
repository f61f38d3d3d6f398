import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { searchWithWarnings } from '../../__fixtures__/meshStatus';
import type { MeshPermissions } from '../../hooks/useMeshPermissions';
import { WarningsList } from './WarningsList';

const allowed = { allowed: true, loading: false };
const permissions: MeshPermissions = {
  actions: {
    enroll: allowed,
    unenroll: allowed,
    setInjection: allowed,
    switchRevision: allowed,
    restart: allowed,
    sidecarEgress: allowed,
    serviceEntry: allowed,
  },
  force: allowed,
};
const warnings = searchWithWarnings().clusters[0].namespaces[0].warnings;

describe('WarningsList', () => {
  it('passes the warning fix to onFix', async () => {
    const onFix = jest.fn();
    await renderInTestApp(
      <WarningsList
        warnings={warnings}
        permissions={permissions}
        onFix={onFix}
      />,
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Restart search-indexer' }),
    );

    expect(onFix).toHaveBeenCalledWith(warnings[1].fix);
  });

  it('says when there are no warnings', async () => {
    await renderInTestApp(
      <WarningsList
        warnings={[]}
        permissions={permissions}
        onFix={jest.fn()}
      />,
    );

    expect(screen.getByText('No warnings.')).toBeInTheDocument();
  });
});
