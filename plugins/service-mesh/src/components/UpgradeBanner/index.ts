export { UpgradeBanner } from './UpgradeBanner';
