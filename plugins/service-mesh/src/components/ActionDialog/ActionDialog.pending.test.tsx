import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { MeshActionResponse } from '@mesh-backstage/plugin-service-mesh-common';
import {
  enrollPlan,
  restartPlan,
  switchRevisionPlan,
} from '../../__fixtures__/meshStatus';
import {
  answered,
  dialogEntity,
  renderActionDialog,
  switchSearchIntent,
} from '../../__testUtils__/renderActionDialog';
import { API_BASE } from '../../__testUtils__/renderWithMesh';
import type { MeshActionIntent } from './meshActionIntent';
import { WAITING_NOTE_AFTER_S } from './PendingWrite';

// Full app renders are slow on a loaded CI machine.
jest.setTimeout(30_000);

const enrollBilling: MeshActionIntent = {
  action: 'enroll',
  title: 'Enroll legacy-billing in the mesh',
  request: { cluster: 'demo-ossm2', namespace: 'legacy-billing' },
};

const restartIndexer = {
  action: 'restart' as const,
  title: 'Restart workloads in search',
  request: {
    cluster: 'demo-istio-revisions',
    namespace: 'search',
    workloads: [{ kind: 'Deployment' as const, name: 'search-indexer' }],
  },
};

/** A plan writing the namespace's labels, then the member roll. */
const twoWrites: MeshActionResponse = {
  ...enrollPlan,
  change: {
    operations: [
      ...switchRevisionPlan.change.operations,
      ...enrollPlan.change.operations,
    ],
  },
};

describe('ActionDialog while a confirmed change is written', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  afterEach(() => jest.useRealTimers());

  /**
   * Serves dry runs at once, and holds each real run until the test
   * releases it: the backend still waiting for its turn on the object.
   */
  function holdWrites(
    intent: MeshActionIntent,
    plans: Record<string, MeshActionResponse>,
  ) {
    const held: Array<() => void> = [];
    const rendered = renderActionDialog(server, intent, undefined);
    server.use(
      http.post(
        `${API_BASE}/entities/component/default/${dialogEntity.metadata.name}/actions/:action`,
        async ({ request, params }) => {
          const body = (await request.json()) as Record<string, unknown>;
          const plan = plans[String(params.action)];
          if (!body.dryRun) {
            await new Promise<void>(resolve => held.push(resolve));
          }
          return HttpResponse.json(answered(plan, body.dryRun).json);
        },
      ),
    );
    return { ...rendered, held };
  }

  async function confirmWithFakeTimers(dialog: HTMLElement) {
    const confirm = await within(dialog).findByRole('button', {
      name: 'Confirm',
    });
    await waitFor(() => expect(confirm).toBeEnabled());
    // From here the clock moves only when the test moves it.
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'],
    });
    act(() => confirm.click());
  }

  const elapse = (seconds: number) =>
    act(() => jest.advanceTimersByTime(seconds * 1_000));

  it('names what it writes, counts the seconds, and then says it may be waiting its turn', async () => {
    const { held, onApplied } = holdWrites(enrollBilling, {
      enroll: enrollPlan,
    });
    const dialog = await screen.findByRole('dialog', {
      name: 'Enroll legacy-billing in the mesh',
    });
    await within(dialog).findByText(/Exactly what will change/);
    await confirmWithFakeTimers(dialog);

    const writing = within(dialog).getByRole('region', { name: 'Writing' });
    const status = within(writing).getByRole('status');
    expect(status).toHaveTextContent(
      'Writing: Add legacy-billing to ServiceMeshMemberRoll istio-system/default…',
    );
    expect(
      within(writing).getByRole('progressbar', { name: 'Writing the change' }),
    ).toBeInTheDocument();
    expect(within(writing).getByText('0 s so far')).toBeInTheDocument();

    elapse(WAITING_NOTE_AFTER_S - 1);
    expect(within(writing).getByText('4 s so far')).toBeInTheDocument();
    expect(status).not.toHaveTextContent(/waiting its turn/);

    elapse(1);
    expect(within(writing).getByText('5 s so far')).toBeInTheDocument();
    expect(status).toHaveTextContent(
      'It is waiting its turn behind another change to ServiceMeshMemberRoll default in istio-system, or for the cluster to answer',
    );
    expect(status).toHaveTextContent('There is no fixed limit on the wait');
    expect(status).toHaveTextContent(
      'Closing this dialog does not stop the change.',
    );
    elapse(12);
    expect(within(writing).getByText('17 s so far')).toBeInTheDocument();
    expect(onApplied).not.toHaveBeenCalled();

    jest.useRealTimers();
    await waitFor(() => expect(held).toHaveLength(1));
    held[0]();
    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('region', { name: 'Writing' }),
    ).toBeNull();
  });

  it('lists every object of a plan that writes several, one after another', async () => {
    const { held } = holdWrites(enrollBilling, { enroll: twoWrites });
    const dialog = await screen.findByRole('dialog');
    // The confirmation numbers the writes too.
    expect(
      await within(dialog).findByText('Write 1 of 2: patch Namespace search'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'Write 2 of 2: patch ServiceMeshMemberRoll istio-system/default',
      ),
    ).toBeInTheDocument();
    await confirmWithFakeTimers(dialog);

    const writing = within(dialog).getByRole('region', { name: 'Writing' });
    expect(within(writing).getByRole('status')).toHaveTextContent(
      'Writing 2 objects, one after another…',
    );
    expect(
      within(within(writing).getByRole('list'))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(twoWrites.change.operations.map(o => o.summary));
    elapse(WAITING_NOTE_AFTER_S);
    expect(within(writing).getByRole('status')).toHaveTextContent(
      'waiting its turn behind another change to namespace search and ServiceMeshMemberRoll default in istio-system',
    );

    jest.useRealTimers();
    await waitFor(() => expect(held).toHaveLength(1));
    held[0]();
    expect(await within(dialog).findByText('Applied')).toBeInTheDocument();
  });

  it('counts the change and the restart as two steps, each with its own clock', async () => {
    const { held } = holdWrites(
      {
        ...switchSearchIntent,
        restart: {
          intent: restartIndexer,
          permission: { allowed: true, loading: false },
        },
      },
      { switchRevision: switchRevisionPlan, restart: restartPlan },
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('checkbox', { name: /and restart/ }),
    );
    await within(dialog).findByRole('region', { name: 'Then the restart' });
    await confirmWithFakeTimers(dialog);

    const writing = () =>
      within(dialog).getByRole('region', { name: 'Writing' });
    expect(within(writing()).getByRole('status')).toHaveTextContent(
      `Step 1 of 2, the change. Writing: ${switchRevisionPlan.change.operations[0].summary}…`,
    );
    expect(
      within(writing()).getByRole('progressbar', { name: 'Step 1 of 2' }),
    ).toHaveAttribute('aria-valuenow', '0');
    elapse(7);
    expect(within(writing()).getByText('7 s so far')).toBeInTheDocument();

    await waitFor(() => expect(held).toHaveLength(1));
    held[0]();
    // The restart's request goes out once the change is written.
    await waitFor(() => expect(held).toHaveLength(2));
    expect(within(writing()).getByRole('status')).toHaveTextContent(
      'Step 2 of 2, the restart. Writing: Restart Deployment search/search-indexer (rollout restart)…',
    );
    expect(
      within(writing()).getByRole('progressbar', { name: 'Step 2 of 2' }),
    ).toHaveAttribute('aria-valuenow', '50');
    // Its own clock: the 7 s were the change's.
    const seconds = within(writing()).getByText(/ s so far$/).textContent!;
    expect(parseInt(seconds, 10)).toBeLessThan(7);

    jest.useRealTimers();
    held[1]();
    await waitFor(() =>
      expect(within(dialog).getAllByText('Applied')).toHaveLength(2),
    );
  });
});

describe('ActionDialog shows the plan once', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('says the plan in words once, and each write as its object and its field changes', async () => {
    renderActionDialog(server, enrollBilling, (_a, body) =>
      answered(enrollPlan, body.dryRun),
    );
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByText(/Exactly what will change/);
    // The plan's sentence; the write's own says the same and is not repeated.
    expect(
      within(dialog)
        .getAllByText(/^Add legacy-billing to /)
        .map(line => line.textContent),
    ).toEqual([
      'Add legacy-billing to members (ServiceMeshMemberRoll default in istio-system)',
    ]);
    expect(
      within(dialog).getByText(
        'patch ServiceMeshMemberRoll istio-system/default',
      ),
    ).toBeInTheDocument();
  });

  it('shows a restart, whose summary is its writes, once', async () => {
    renderActionDialog(
      server,
      { ...restartIndexer, title: 'Restart search-indexer' },
      (_a, body) => answered(restartPlan, body.dryRun),
    );
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByRole('list', { name: 'Pods to be replaced' });
    expect(
      within(dialog).getAllByText(
        'Restart Deployment search/search-indexer (rollout restart)',
      ),
    ).toHaveLength(1);
  });

  it("says each write's sentence when the plan has no summary", async () => {
    renderActionDialog(server, switchSearchIntent, (_a, body) =>
      answered({ ...twoWrites, summary: undefined }, body.dryRun),
    );
    const dialog = await screen.findByRole('dialog');
    for (const operation of twoWrites.change.operations) {
      expect(
        await within(dialog).findByText(operation.summary),
      ).toBeInTheDocument();
    }
  });

  it('keeps the restart chosen with a change under its own heading', async () => {
    const user = userEvent.setup();
    renderActionDialog(
      server,
      {
        ...switchSearchIntent,
        restart: {
          intent: restartIndexer,
          permission: { allowed: true, loading: false },
        },
      },
      (action, body) =>
        answered(
          action === 'restart' ? restartPlan : switchRevisionPlan,
          body.dryRun,
        ),
    );
    const dialog = await screen.findByRole('dialog');
    await user.click(
      await within(dialog).findByRole('checkbox', { name: /and restart/ }),
    );
    const then = await within(dialog).findByRole('region', {
      name: 'Then the restart',
    });
    expect(
      await within(then).findAllByText(
        'Restart Deployment search/search-indexer (rollout restart)',
      ),
    ).toHaveLength(1);
  });
});
