export { UpgradeWizard } from './UpgradeWizard';
