import { Scenario } from './apps';
import { istio10Scenario } from './istio10';
import { istioRevisionsScenario } from './istioRevisions';
import { maistra09Scenario } from './maistra09';
import { ossm1Scenario } from './ossm1';
import { ossm2Scenario } from './ossm2';
import { sailScenario } from './sail';
import { scaleScenario } from './scale';

export type { Scenario, ScenarioComponent, ScenarioOptions } from './apps';

/**
 * The named scenarios. Each one is independent (its own controllers and
 * objects), so the start command can run `ossm2`, `istio-revisions`,
 * `sail`, `istio-1.0` and `maistra-0.9` as clusters side by side.
 */
export const scenarios: Record<string, Scenario> = {
  ossm2: ossm2Scenario,
  'istio-revisions': istioRevisionsScenario,
  sail: sailScenario,
  'istio-1.0': istio10Scenario,
  'maistra-0.9': maistra09Scenario,
  // Not started by `npm start`: run it with `yarn demo-cluster --scenario ossm1`.
  ossm1: ossm1Scenario,
  scale: scaleScenario,
};

/** The scenarios the start command runs, one cluster each. */
export const demoScenarioNames = [
  'ossm2',
  'istio-revisions',
  'sail',
  'istio-1.0',
  'maistra-0.9',
] as const;
