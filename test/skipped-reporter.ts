import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * Lists every skipped test with its reason at the end of a run. The default reporter names a
 * file's skipped count only; a skip must say why where CI's log shows it.
 */
export default class SkippedReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        const reason = result.note && !test.fullName.includes(result.note) ? ` [${result.note}]` : setupFailed(test) ? ' — not run: its setup (beforeAll) failed, see the error above' : '';
        lines.push(`  ${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}${reason}`);
      }
    }
    if (lines.length > 0) process.stdout.write(`\nSkipped tests and why:\n${lines.join('\n')}\n`);
  }
}

/** A test vitest skipped because a beforeAll of one of its suites (or its file) threw. */
function setupFailed(test: TestCase): boolean {
  for (let parent: TestCase['parent'] | undefined = test.parent; parent; parent = parent.type === 'suite' ? parent.parent : undefined) {
    if (parent.errors().length > 0) return true;
  }
  return false;
}
