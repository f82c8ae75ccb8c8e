// Reads vitest's JSON report (the host suite) and, when given, the VM suite's summary
// (`npm run test:vm -- --summary FILE`), and prints the closing line CI reads:
// "N passed, N failed, N skipped" over both. A missing or unreadable file, or a kernel that
// failed, fails the run.
import { readFileSync } from "node:fs";

const [path, vmPath] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;

let report;
try {
  report = JSON.parse(readFileSync(path, "utf8"));
} catch (err) {
  console.error(`no vitest report at ${path}: ${err.message}`);
  failed++;
  ok = false;
}
if (report !== undefined) {
  for (const file of report.testResults ?? []) {
    // A file that failed to load has no assertions but is a failure.
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed++;
    for (const t of file.assertionResults ?? []) {
      if (t.status === "passed") passed++;
      else if (t.status === "failed") failed++;
      else skipped++;
    }
  }
  if (report.success === false) ok = false;
}

if (vmPath !== undefined) {
  let vm;
  try {
    vm = JSON.parse(readFileSync(vmPath, "utf8"));
  } catch (err) {
    console.error(`no VM suite summary at ${vmPath}: ${err.message}`);
    failed++;
    ok = false;
  }
  if (vm !== undefined) {
    for (const k of vm.kernels ?? []) {
      console.error(`VM ${k.kernel} (${k.release}): ${k.passed} passed, ${k.failed} failed, ${k.skipped} skipped${k.ok ? "" : " - FAILED"}`);
    }
    passed += vm.passed ?? 0;
    failed += vm.failed ?? 0;
    skipped += vm.skipped ?? 0;
    if (vm.ok !== true) {
      ok = false;
      if ((vm.failed ?? 0) === 0) failed++;
    }
  }
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || !ok ? 1 : 0);
