import type { Reporter, TestModule } from 'vitest/node';

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
        lines.push(`  ${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}${result.note && !test.fullName.includes(result.note) ? ` [${result.note}]` : ''}`);
      }
    }
    if (lines.length > 0) process.stdout.write(`\nSkipped tests and why:\n${lines.join('\n')}\n`);
  }
}
