/**
 * The collection loader: BPF object files -> {@link CollectionSpec}.
 *
 * @module
 */
export { loadCollectionSpec, loadCollectionSpecFromBuffer } from "./load.js";
export { programSectionInfo, type ProgramSectionInfo, BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS } from "./program-sections.js";
