import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { StatusText } from './StatusText';

describe('StatusText', () => {
  it('keeps the words readable next to the decorative icon', async () => {
    await renderInTestApp(<StatusText status="ok">In mesh</StatusText>);
    const words = screen.getByText('In mesh');
    expect(words.closest('[aria-hidden="true"]')).toBeNull();
    expect(screen.getByLabelText('Status ok')).toHaveAttribute(
      'aria-hidden',
      'true',
    );
  });
});
