import { CUSTOM_RESOURCE_DEFINITIONS, NAMESPACES } from '../builtinResources';
import { typeKey } from '../objects';
import { ResourceRef } from '../types';
import { crdStrategy } from './customResourceDefinitions';
import { namespaceStrategy } from './namespaces';
import { genericStrategy, ResourceStrategy } from './strategy';

export type { ResourceStrategy, StoreContext } from './strategy';
export { resourceFromCrd } from './customResourceDefinitions';

const strategies = new Map<string, ResourceStrategy>([
  [typeKey(NAMESPACES), namespaceStrategy],
  [typeKey(CUSTOM_RESOURCE_DEFINITIONS), crdStrategy],
]);

/** The strategy of a resource type: its own, or the generic one. */
export function strategyFor(ref: ResourceRef): ResourceStrategy {
  return strategies.get(typeKey(ref)) ?? genericStrategy;
}
