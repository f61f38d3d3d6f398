import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { istioControlPlane } from '../../__fixtures__/meshStatus';
import { ControlPlaneRevisions } from './ControlPlaneRevisions';

describe('ControlPlaneRevisions', () => {
  it('lists revisions with their health and the tags pointing at them', async () => {
    await renderInTestApp(
      <ControlPlaneRevisions
        controlPlane={{
          ...istioControlPlane,
          revisions: [
            istioControlPlane.revisions[0],
            { ...istioControlPlane.revisions[1], injectorReady: false },
          ],
        }}
      />,
    );

    const table = screen.getByRole('table', {
      name: 'Revisions of Istio in istio-system',
    });
    const stable = within(table).getByRole('row', { name: /^1-23-1/ });
    expect(stable).toHaveTextContent('1-23-1 (default)');
    expect(stable).toHaveTextContent('default, prod-stable');
    const canary = within(table).getByRole('row', { name: /^1-24-3/ });
    expect(canary).toHaveTextContent('1-24-3 (canary; default is 1-23-1)');
    expect(canary).toHaveTextContent('prod-canary');
    expect(canary).toHaveTextContent('Not ready');
  });
});
