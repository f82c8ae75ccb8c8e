// Module hooks that let plain node run the TypeScript sources in a child process: `.ts` files are
// transformed by esbuild's native binary, with tsconfig.json's class-field semantics; its `paths`
// (`ebpf`, `ebpf/*`) lead to the sources, as tsc and tsx resolve them; and a relative `.js` import
// falls back to the `.ts` beside it. Used instead of tsx, whose hooks lex every module with a
// WebAssembly lexer that trapped ("memory access out of bounds") in the 7.2 guest under TCG.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

const root = new URL("../../", import.meta.url);
const { compilerOptions } = JSON.parse(readFileSync(new URL("tsconfig.json", root), "utf8"));
const tsconfigRaw = { compilerOptions: { useDefineForClassFields: compilerOptions.useDefineForClassFields } };

// "ebpf/*": ["./src/*/index.ts"] -> a function from a bare specifier to a file URL, or undefined.
const paths = Object.entries(compilerOptions.paths ?? {}).map(([pattern, [target]]) => {
  const [prefix, suffix] = pattern.split("*");
  return (specifier) => {
    if (suffix === undefined) return specifier === pattern ? new URL(target, root).href : undefined;
    if (!specifier.startsWith(prefix) || !specifier.endsWith(suffix)) return undefined;
    const star = specifier.slice(prefix.length, specifier.length - suffix.length);
    return new URL(target.replace("*", star), root).href;
  };
});

export async function resolve(specifier, context, next) {
  for (const mapped of paths) {
    const url = mapped(specifier);
    if (url !== undefined) return next(url, context);
  }
  try {
    return await next(specifier, context);
  } catch (err) {
    const relative = specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("file:");
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !relative || !specifier.endsWith(".js")) throw err;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, "utf8");
  const { code } = await transform(source, { loader: "ts", format: "esm", target: "node20", sourcefile: path, sourcemap: "inline", tsconfigRaw });
  return { format: "module", source: code, shortCircuit: true };
}
