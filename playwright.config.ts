import { defineConfig } from '@playwright/test';
import { generateProjects } from '@backstage/e2e-test-utils/playwright';

/*
 * Browser end-to-end tests. They drive the system Chromium (Debian's
 * /usr/bin/chromium, or CHROMIUM_PATH), since Playwright's own browser
 * download cannot be reached from every machine.
 */
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  timeout: 90_000,
  expect: { timeout: 30_000 },

  // The test command starts the app itself and stops it afterwards; Playwright
  // kills only the process group it started.
  webServer: {
    command: 'bash scripts/start.sh',
    url: 'http://localhost:3000',
    // Journeys change the demo clusters, so every run starts them afresh.
    reuseExistingServer: false,
    timeout: 240_000,
  },
  // The frontend can be up before the backend has finished starting.
  globalSetup: './scripts/e2e-wait-for-backend.ts',

  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,

  reporter: [
    ['list'],
    ['json'],
    ['html', { open: 'never', outputFolder: 'test-results/e2e-report' }],
  ],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },

  outputDir: 'test-results/e2e',

  projects: generateProjects().map(project => ({
    ...project,
    use: {
      browserName: 'chromium' as const,
      launchOptions: {
        executablePath: chromium,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    },
  })),
});
