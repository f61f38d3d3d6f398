// Prints "<passed> <failed>" from a Jest (--json) or Playwright (json reporter) report.
const report = require(require('path').resolve(process.argv[2]));
if ('numPassedTests' in report) {
  console.log(
    `${report.numPassedTests} ${
      report.numFailedTests + report.numRuntimeErrorTestSuites
    }`,
  );
} else {
  const { expected = 0, flaky = 0, unexpected = 0 } = report.stats ?? {};
  const errors = (report.errors ?? []).length;
  console.log(`${expected + flaky} ${unexpected + errors}`);
}
