// Reads vitest's JSON report and prints the closing line CI reads: "N passed, N failed, N skipped".
import { readFileSync } from "node:fs";

const path = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(path, "utf8"));
} catch (err) {
  console.error(`no vitest report at ${path}: ${err.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of report.testResults ?? []) {
  // A file that failed to load has no assertions but is a failure.
  if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed++;
  for (const t of file.assertionResults ?? []) {
    if (t.status === "passed") passed++;
    else if (t.status === "failed") failed++;
    else skipped++;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || report.success === false ? 1 : 0);
