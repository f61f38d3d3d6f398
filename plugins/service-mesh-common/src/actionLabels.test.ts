import { INJECTION_ACTION_LABELS, MESH_ACTION_LABELS } from './actionLabels';

describe('action labels', () => {
  it('gives every action and injection setting its own name', () => {
    const names = [
      ...Object.values(MESH_ACTION_LABELS),
      ...Object.values(INJECTION_ACTION_LABELS),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(MESH_ACTION_LABELS.enroll).toBe('Enroll in mesh');
  });
});
