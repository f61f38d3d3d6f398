import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { meshOverview } from '../../__fixtures__/upgrades';
import { axeFindings, tabStopsIn } from '../../__testUtils__/axe';
import { NamespacesTable } from './NamespacesTable';

// Clicks and typing in MUI tables are slow on a loaded machine.
jest.setTimeout(30_000);

// catalog, checkout, search, then scale-000 to scale-496 on 1-23-1.
const namespaces = meshOverview(497).clusters[0].namespaces;

function renderTable() {
  return renderInTestApp(
    <NamespacesTable title="Namespaces of Istio" namespaces={namespaces} />,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function shownNames() {
  return screen.getAllByRole('rowheader').map(cell => cell.textContent);
}

function sortBy(column: string) {
  return userEvent.click(screen.getByRole('button', { name: column }));
}

describe('NamespacesTable', () => {
  it('renders one page of 500 namespaces, and pages through them', async () => {
    await renderTable();

    expect(shownNames()).toHaveLength(25);
    expect(screen.getByText('1-25 of 500')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(shownNames()).toHaveLength(25);
    expect(shownNames()[0]).toBe('scale-022');
    expect(screen.getByText('26-50 of 500')).toBeInTheDocument();
  });

  it('sorts by a header, says so with aria-sort, and starts again at the first page', async () => {
    await renderTable();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));

    await sortBy('Namespace');
    await sortBy('Namespace');
    const header = screen.getByRole('columnheader', { name: 'Namespace' });
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(shownNames().slice(0, 3)).toEqual([
      'search',
      'scale-496',
      'scale-495',
    ]);
    expect(screen.getByText('1-25 of 500')).toBeInTheDocument();

    await sortBy('Restart needed');
    await sortBy('Restart needed');
    expect(shownNames()[0]).toBe('checkout');
    expect(header).not.toHaveAttribute('aria-sort');

    await sortBy('Owner');
    await sortBy('Owner');
    expect(shownNames().slice(0, 2)).toEqual(['checkout', 'catalog']);
  });

  it('searches names and owners, keeping the sort order', async () => {
    await renderTable();
    await sortBy('Namespace');
    await sortBy('Namespace');

    const search = screen.getByLabelText('Search namespaces or owners');
    await userEvent.type(search, 'c');
    // Every name here has a "c"; still descending.
    expect(shownNames().slice(0, 3)).toEqual([
      'search',
      'scale-496',
      'scale-495',
    ]);
    await userEvent.type(search, 'at');
    expect(shownNames()).toEqual(['catalog']);
    await userEvent.clear(search);
    await userEvent.type(search, 'checkout-serv');
    expect(shownNames()).toEqual(['checkout']);
    await userEvent.type(search, 'x');
    expect(screen.getByText('No namespace matches.')).toBeInTheDocument();
  });

  it('gives a sorting header one control and others none, and axe finds nothing serious', async () => {
    const { container } = await renderTable();
    const headers = screen.getAllByRole('columnheader');
    expect(headers).toHaveLength(7);
    // One sort button a sorting column; Injection and Pods do not sort.
    expect(headers.map(tabStopsIn)).toEqual([1, 1, 0, 0, 1, 1, 1]);
    expect(await axeFindings(container)).toEqual([]);
  });
});
