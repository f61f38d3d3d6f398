import { Scenario } from './apps';
import { istioRevisionsScenario } from './istioRevisions';
import { ossm2Scenario } from './ossm2';
import { sailScenario } from './sail';
import { scaleScenario } from './scale';

export type { Scenario, ScenarioComponent, ScenarioOptions } from './apps';

/**
 * The named scenarios. Each one is independent (its own controllers and
 * objects), so the start command can run `ossm2`, `istio-revisions` and
 * `sail` as three clusters side by side.
 */
export const scenarios: Record<string, Scenario> = {
  ossm2: ossm2Scenario,
  'istio-revisions': istioRevisionsScenario,
  sail: sailScenario,
  scale: scaleScenario,
};

/** The scenarios the start command runs, one cluster each. */
export const demoScenarioNames = ['ossm2', 'istio-revisions', 'sail'] as const;
