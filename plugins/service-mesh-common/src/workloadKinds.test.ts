import { isRestartableKind } from './workloadKinds';

describe('isRestartableKind', () => {
  it('is true for what a rollout restarts, false for bare pods and their owners', () => {
    expect(
      (
        [
          'Deployment',
          'StatefulSet',
          'DaemonSet',
          'ReplicaSet',
          'Job',
          'Pod',
        ] as const
      ).filter(isRestartableKind),
    ).toEqual(['Deployment', 'StatefulSet', 'DaemonSet']);
  });
});
