import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The published artefact, as a user gets it: build, pack, install the tarball into a fresh
// project, import every subpath the package exports.
const root = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, unknown>;
};
const subpaths = Object.keys(pkg.exports).filter((p) => p !== "./package.json");

describe("npm pack", () => {
  let work = "";
  let tarball = "";

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "ebpf-pack-"));
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "pipe" });
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
    const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, info.filename);
    writeFileSync(join(work, "files.json"), JSON.stringify(info.files.map((f) => f.path)));
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("holds only dist/, README, LICENSE and package.json", () => {
    const files = JSON.parse(readFileSync(join(work, "files.json"), "utf8")) as string[];
    const outside = files.filter(
      (f) => !f.startsWith("dist/") && !["README.md", "LICENSE", "package.json"].includes(f),
    );
    expect(outside).toEqual([]);
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("README.md");
    expect(files).toContain("LICENSE");
  });

  it("installs into a fresh project and every subpath imports", () => {
    const app = join(work, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module", private: true }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], {
      cwd: app,
      stdio: "pipe",
    });
    const specifiers = subpaths.map((p) => (p === "." ? "ebpf" : `ebpf/${p.slice(2)}`));
    const script = specifiers
      .map((s) => `{ const m = await import(${JSON.stringify(s)}); if (Object.keys(m).length === 0) throw new Error("empty module " + ${JSON.stringify(s)}); }`)
      .join("\n");
    writeFileSync(join(app, "check.mjs"), `${script}\nconsole.log("ok");\n`);
    const out = execFileSync("node", ["check.mjs"], { cwd: app, encoding: "utf8" });
    expect(out.trim()).toBe("ok");
  }, 240_000);

  it("installs the ebpf command: npx ebpf --help, and the bin runs by its shebang", () => {
    // The project the previous case installed the tarball into.
    const app = join(work, "app");
    const help = execFileSync("npx", ["ebpf", "--help"], { cwd: app, encoding: "utf8" });
    expect(help).toMatch(/^Usage: ebpf <command> \[options\]\n/u);
    const inspect = execFileSync(join(app, "node_modules/.bin/ebpf"), ["inspect", "--json", join(root, "bpf/loader_globals.o")], {
      cwd: app,
      encoding: "utf8",
    });
    expect((JSON.parse(inspect) as { programs: { name: string }[] }).programs.map((p) => p.name)).toEqual(["compute"]);
  }, 60_000);
});
