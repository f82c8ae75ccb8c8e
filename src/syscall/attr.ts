/**
 * The members of `union bpf_attr` (`linux/bpf.h`) the library uses, one struct per command, and
 * the info structs read back with BPF_OBJ_GET_INFO_BY_FD. Field order and types follow the header
 * exactly; offsets are computed by {@link struct}.
 *
 * @module
 */
import { chars, ptr, s32, struct, u32, u64 } from "./layout.js";

/** BPF_OBJ_NAME_LEN. */
export const OBJ_NAME_LEN = 16;

/** BPF_MAP_CREATE. `mapExtra` 5.16+, `valueTypeBtfObjFd` 6.9+, `mapTokenFd` 6.9+. */
export const MapCreateAttr = struct({
  mapType: u32,
  keySize: u32,
  valueSize: u32,
  maxEntries: u32,
  mapFlags: u32,
  innerMapFd: u32,
  numaNode: u32,
  mapName: chars(OBJ_NAME_LEN),
  mapIfindex: u32,
  btfFd: u32,
  btfKeyTypeId: u32,
  btfValueTypeId: u32,
  btfVmlinuxValueTypeId: u32,
  mapExtra: u64,
  valueTypeBtfObjFd: s32,
  mapTokenFd: s32,
});

/** BPF_MAP_{LOOKUP,UPDATE,DELETE}_ELEM, GET_NEXT_KEY, LOOKUP_AND_DELETE_ELEM and FREEZE. */
export const MapElemAttr = struct({
  mapFd: u32,
  key: ptr,
  value: ptr, // `next_key` for BPF_MAP_GET_NEXT_KEY
  flags: u64,
});

/** BPF_MAP_*_BATCH (5.6+). */
export const MapBatchAttr = struct({
  inBatch: ptr,
  outBatch: ptr,
  keys: ptr,
  values: ptr,
  count: u32,
  mapFd: u32,
  elemFlags: u64,
  flags: u64,
});

/** BPF_PROG_LOAD. `logTrueSize` is written back by 6.4+. */
export const ProgLoadAttr = struct({
  progType: u32,
  insnCnt: u32,
  insns: ptr,
  license: ptr,
  logLevel: u32,
  logSize: u32,
  logBuf: ptr,
  kernVersion: u32,
  progFlags: u32,
  progName: chars(OBJ_NAME_LEN),
  progIfindex: u32,
  expectedAttachType: u32,
  progBtfFd: u32,
  funcInfoRecSize: u32,
  funcInfo: ptr,
  funcInfoCnt: u32,
  lineInfoRecSize: u32,
  lineInfo: ptr,
  lineInfoCnt: u32,
  attachBtfId: u32,
  attachBtfObjFd: u32, // union with attach_prog_fd
  coreReloCnt: u32,
  fdArray: ptr,
  coreRelos: ptr,
  coreReloRecSize: u32,
  logTrueSize: u32,
  progTokenFd: s32,
  fdArrayCnt: u32,
});

/** BPF_OBJ_PIN / BPF_OBJ_GET. */
export const ObjAttr = struct({
  pathname: ptr,
  bpfFd: u32,
  fileFlags: u32,
  pathFd: s32,
});

/** BPF_PROG_ATTACH / BPF_PROG_DETACH. */
export const ProgAttachAttr = struct({
  targetFd: u32,
  attachBpfFd: u32,
  attachType: u32,
  attachFlags: u32,
  replaceBpfFd: u32,
  relativeFd: u32,
  expectedRevision: u64,
});

/** BPF_PROG_TEST_RUN. `flags`/`cpu` 5.10+, `batchSize` 5.18+. */
export const ProgTestRunAttr = struct({
  progFd: u32,
  retval: u32,
  dataSizeIn: u32,
  dataSizeOut: u32,
  dataIn: ptr,
  dataOut: ptr,
  repeat: u32,
  duration: u32,
  ctxSizeIn: u32,
  ctxSizeOut: u32,
  ctxIn: ptr,
  ctxOut: ptr,
  flags: u32,
  cpu: u32,
  batchSize: u32,
});

/** BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID. */
export const GetIdAttr = struct({
  id: u32,
  nextId: u32,
  openFlags: u32,
  fdByIdTokenFd: s32,
});

/** BPF_OBJ_GET_INFO_BY_FD. */
export const InfoAttr = struct({
  bpfFd: u32,
  infoLen: u32,
  info: ptr,
});

/** BPF_RAW_TRACEPOINT_OPEN. `cookie` 6.10+. */
export const RawTracepointOpenAttr = struct({
  name: ptr,
  progFd: u32,
  _pad0: u32,
  cookie: u64,
});

/** BPF_BTF_LOAD. */
export const BtfLoadAttr = struct({
  btf: ptr,
  btfLogBuf: ptr,
  btfSize: u32,
  btfLogSize: u32,
  btfLogLevel: u32,
  btfLogTrueSize: u32,
  btfFlags: u32,
  btfTokenFd: s32,
});

/** BPF_ENABLE_STATS (5.8+). */
export const EnableStatsAttr = struct({
  type: u32,
});

/** BPF_PROG_BIND_MAP (5.10+). */
export const ProgBindMapAttr = struct({
  progFd: u32,
  mapFd: u32,
  flags: u32,
});

/** `struct bpf_map_info`. */
export const MapInfo = struct({
  type: u32,
  id: u32,
  keySize: u32,
  valueSize: u32,
  maxEntries: u32,
  mapFlags: u32,
  name: chars(OBJ_NAME_LEN),
  ifindex: u32,
  btfVmlinuxValueTypeId: u32,
  netnsDev: u64,
  netnsIno: u64,
  btfId: u32,
  btfKeyTypeId: u32,
  btfValueTypeId: u32,
  btfVmlinuxId: u32,
  mapExtra: u64,
  hash: ptr,
  hashSize: u32,
  _pad0: u32,
});

/** `struct bpf_prog_info`. */
export const ProgInfo = struct({
  type: u32,
  id: u32,
  tag: chars(8),
  jitedProgLen: u32,
  xlatedProgLen: u32,
  jitedProgInsns: ptr,
  xlatedProgInsns: ptr,
  loadTime: u64,
  createdByUid: u32,
  nrMapIds: u32,
  mapIds: ptr,
  name: chars(OBJ_NAME_LEN),
  ifindex: u32,
  gplCompatible: u32, // bit 0
  netnsDev: u64,
  netnsIno: u64,
  nrJitedKsyms: u32,
  nrJitedFuncLens: u32,
  jitedKsyms: ptr,
  jitedFuncLens: ptr,
  btfId: u32,
  funcInfoRecSize: u32,
  funcInfo: ptr,
  nrFuncInfo: u32,
  nrLineInfo: u32,
  lineInfo: ptr,
  jitedLineInfo: ptr,
  nrJitedLineInfo: u32,
  lineInfoRecSize: u32,
  jitedLineInfoRecSize: u32,
  nrProgTags: u32,
  progTags: ptr,
  runTimeNs: u64,
  runCnt: u64,
  recursionMisses: u64,
  verifiedInsns: u32,
  attachBtfObjId: u32,
  attachBtfId: u32,
  _pad0: u32,
});

/** `struct bpf_link_info`, the common head and the largest union member's room. */
export const LinkInfo = struct({
  type: u32,
  id: u32,
  progId: u32,
  _pad0: u32,
  // The union of per-type details; read by offset per link type.
  detail: chars(64),
});

/** `struct bpf_btf_info`. */
export const BtfInfo = struct({
  btf: ptr,
  btfSize: u32,
  id: u32,
  name: ptr,
  nameLen: u32,
  kernelBtf: u32,
});

/** BPF_LINK_CREATE with no type-specific fields, or only `target_btf_id` (5.7+). */
export const LinkCreateAttr = struct({
  progFd: u32,
  targetFd: u32,
  attachType: u32,
  flags: u32,
  targetBtfId: u32,
});

/** BPF_LINK_CREATE for BPF_PERF_EVENT: kprobes, uprobes, tracepoints (5.15+; cookie 5.15+). */
export const LinkCreatePerfEventAttr = struct({
  progFd: u32,
  targetFd: u32,
  attachType: u32,
  flags: u32,
  bpfCookie: u64,
});

/** BPF_LINK_CREATE for tracing programs with a cookie (fentry/fexit/… 6.0+). */
export const LinkCreateTracingAttr = struct({
  progFd: u32,
  targetFd: u32,
  attachType: u32,
  flags: u32,
  targetBtfId: u32,
  _pad0: u32,
  cookie: u64,
});

/** BPF_LINK_CREATE for BPF_TRACE_KPROBE_MULTI (5.18+). */
export const LinkCreateKprobeMultiAttr = struct({
  progFd: u32,
  targetFd: u32,
  attachType: u32,
  flags: u32,
  kprobeFlags: u32,
  cnt: u32,
  syms: ptr,
  addrs: ptr,
  cookies: ptr,
});

/** BPF_LINK_CREATE for BPF_TRACE_UPROBE_MULTI (6.6+). */
export const LinkCreateUprobeMultiAttr = struct({
  progFd: u32,
  targetFd: u32,
  attachType: u32,
  flags: u32,
  path: ptr,
  offsets: ptr,
  refCtrOffsets: ptr,
  cookies: ptr,
  cnt: u32,
  uprobeFlags: u32,
  pid: u32,
  pathFd: u32,
});

/** BPF_LINK_CREATE for tcx and netkit (6.6+): position relative to another program or link. */
export const LinkCreateTcxAttr = struct({
  progFd: u32,
  targetFd: u32,
  attachType: u32,
  flags: u32,
  relativeFd: u32,
  _pad0: u32,
  expectedRevision: u64,
});

/** BPF_LINK_UPDATE (5.7+). */
export const LinkUpdateAttr = struct({
  linkFd: u32,
  newProgFd: u32,
  flags: u32,
  oldProgFd: u32,
});

/** BPF_LINK_DETACH (5.9+). */
export const LinkDetachAttr = struct({
  linkFd: u32,
});
