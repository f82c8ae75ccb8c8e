/**
 * CO-RE ("compile once, run everywhere"): relocating a program's field offsets, type facts and
 * enum values from the BTF it was compiled with to the BTF of the kernel it runs on, as libbpf
 * and cilium/ebpf do. Kernel BTF needs Linux 5.4, kernel module BTF Linux 5.11.
 *
 * @module
 */

export { applyCOREFixups, patchInstruction, poisonInstruction, type ApplyCOREFixupsOptions } from "./apply.js";
export { findCandidates, idsByEssentialName, type CORECandidate } from "./candidates.js";
export { fieldsAreCompatible, typesAreCompatible } from "./compat.js";
export { COREError, describeRelocation } from "./error.js";
export { COREBadRelocationSentinel, type COREFixup } from "./fixup.js";
export { typesMatch } from "./match.js";
export { coreRelocate, type CORERelocateOptions } from "./relocate.js";
