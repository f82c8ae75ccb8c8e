/**
 * Fetches Debian kernel packages with `apt-get download`, through a private apt state directory
 * and the sources list kept beside this file, so the host's apt setup is never touched.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The sources list kept in the repository (bullseye, bookworm, trixie, sid). */
const SOURCES_LIST = fileURLToPath(new URL("./sources.list", import.meta.url));

/**
 * A private apt configuration rooted in `stateDir`.
 *
 * @example
 * const apt = new PrivateApt("/root/.cache/ebpf-vm/apt");
 * apt.update();
 * apt.download(["linux-image-6.1.0-50-amd64"], "/tmp/debs");
 */
export class PrivateApt {
  readonly #options: string[];

  constructor(readonly stateDir: string) {
    mkdirSync(join(stateDir, "lists", "partial"), { recursive: true });
    mkdirSync(join(stateDir, "cache", "archives", "partial"), { recursive: true });
    const status = join(stateDir, "status");
    if (!existsSync(status)) writeFileSync(status, "");
    const empty = join(stateDir, "empty");
    mkdirSync(empty, { recursive: true });
    // Every path apt would read or write is redirected, and host pins and extra sources are ignored.
    this.#options = [
      `Dir::Etc::SourceList=${SOURCES_LIST}`,
      `Dir::Etc::SourceParts=${empty}`,
      "Dir::Etc::Preferences=/dev/null",
      `Dir::Etc::PreferencesParts=${empty}`,
      `Dir::State::Lists=${join(stateDir, "lists")}`,
      `Dir::State::status=${status}`,
      `Dir::Cache=${join(stateDir, "cache")}`,
      "APT::Architecture=amd64",
      "Acquire::Languages=none",
      // The cache directory belongs to root; apt's _apt sandbox user could not write there.
      "APT::Sandbox::User=root",
    ].flatMap((o) => ["-o", o]);
  }

  /** Refreshes the package lists of the four suites. */
  update(): void {
    execFileSync("apt-get", [...this.#options, "-q", "update"], { stdio: ["ignore", "ignore", "inherit"] });
  }

  /** The `Depends:` names of `pkg` (in `suite` when given), version constraints dropped. */
  depends(pkg: string, suite?: string): string[] {
    const out = execFileSync("apt-cache", [...this.#options, "show", suite ? `${pkg}/${suite}` : pkg], {
      encoding: "utf8",
    });
    const line = out.split("\n").find((l) => l.startsWith("Depends:"));
    if (!line) return [];
    return line
      .slice("Depends:".length)
      .split(",")
      .map((alt) => alt.trim().split(/\s|\|/)[0] ?? "")
      .filter((n) => n !== "");
  }

  /** Downloads `pkgs` (`name` or `name/suite`) as `.deb` files into `dir`. */
  download(pkgs: string[], dir: string): void {
    mkdirSync(dir, { recursive: true });
    execFileSync("apt-get", [...this.#options, "-q", "download", ...pkgs], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
}
