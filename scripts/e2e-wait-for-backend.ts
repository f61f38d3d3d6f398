/** Playwright global setup: waits until the Backstage backend reports ready. */
export default async function waitForBackend() {
  const url = 'http://localhost:7007/.backstage/health/v1/readiness';
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`Backstage backend did not become ready at ${url}`);
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}
