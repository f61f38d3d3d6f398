import { OpenApiResponseChecker } from './openApiResponses';

const STATUS = '/entities/component/default/orders-service/status';
const ENROLL = '/entities/component/default/orders-service/actions/enroll';

describe('OpenApiResponseChecker', () => {
  const checker = new OpenApiResponseChecker();
  const answer = (path: string, status: number, body: unknown) => ({
    method: path.endsWith('/status') ? 'get' : 'post',
    path,
    status,
    body,
  });

  it('accepts answers that match the document', () => {
    expect(
      checker.problems(answer(STATUS, 200, { entityRef: 'x', clusters: [] })),
    ).toEqual([]);
    expect(
      checker.problems(
        answer(ENROLL, 409, {
          error: { name: 'ConflictError', message: 'no' },
          request: { method: 'POST', url: ENROLL },
          response: { statusCode: 409 },
        }),
      ),
    ).toEqual([]);
  });

  it('names a missing field, a field of the wrong type and an unknown field', () => {
    expect(
      checker.problems(
        answer(ENROLL, 200, {
          dryRun: 'no',
          change: { operations: [] },
          extra: 1,
        }),
      ),
    ).toEqual([
      expect.stringMatching(/body must have required property 'applied'/),
      expect.stringMatching(/body must NOT have additional properties 'extra'/),
      expect.stringMatching(/body\/dryRun must be boolean/),
    ]);
  });

  it('checks the nested status shapes', () => {
    const cluster = {
      name: 'c',
      reachable: true,
      synced: true,
      dataAsOf: 'yesterday',
      controlPlanes: [],
      namespaces: [],
    };
    expect(
      checker.problems(
        answer(STATUS, 200, { entityRef: 'x', clusters: [cluster] }),
      ),
    ).toEqual([
      expect.stringMatching(
        /clusters\/0\/dataAsOf must match format "date-time"/,
      ),
    ]);
  });

  it('refuses undocumented statuses and routes', () => {
    expect(checker.problems(answer(STATUS, 409, {}))).toEqual([
      expect.stringMatching(/the status is not documented/),
    ]);
    expect(checker.problems(answer('/somewhere', 200, {}))).toEqual([
      expect.stringMatching(/the route is not in the OpenAPI document/),
    ]);
  });

  it('lets paths outside the document answer 404 with an error body only', () => {
    const notFound = {
      error: { name: 'NotFoundError', message: 'Unknown action' },
      response: { statusCode: 404 },
    };
    expect(checker.problems(answer('/somewhere', 404, notFound))).toEqual([]);
    expect(checker.problems(answer('/somewhere', 404, { oops: 1 }))).toEqual([
      expect.stringMatching(/must have required property 'error'/),
      expect.stringMatching(/must have required property 'response'/),
      expect.stringMatching(/must NOT have additional properties 'oops'/),
    ]);
  });
});
