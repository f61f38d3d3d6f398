import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { ActionButton } from './ActionButton';

describe('ActionButton', () => {
  it('is disabled and described by the reason when not permitted', async () => {
    await renderInTestApp(
      <>
        <p id="reason">
          Only the owners of checkout can change its mesh settings.
        </p>
        <ActionButton
          permission={{
            allowed: false,
            loading: false,
            reason: 'Only the owners of checkout can change its mesh settings.',
          }}
          reasonId="reason"
          onClick={jest.fn()}
        >
          Enroll in mesh
        </ActionButton>
      </>,
    );

    const button = screen.getByRole('button', { name: 'Enroll in mesh' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Only the owners of checkout can change its mesh settings.',
    );
  });

  it('is disabled without a reason while the permission is checked', async () => {
    await renderInTestApp(
      <ActionButton
        permission={{ allowed: false, loading: true }}
        reasonId="reason"
        onClick={jest.fn()}
      >
        Enroll in mesh
      </ActionButton>,
    );

    const button = screen.getByRole('button', { name: 'Enroll in mesh' });
    expect(button).toBeDisabled();
    expect(button).not.toHaveAttribute('aria-describedby');
  });
});
