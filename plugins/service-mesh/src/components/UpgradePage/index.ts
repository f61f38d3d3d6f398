export { UpgradePage } from './UpgradePage';
