/**
 * `ebpf/btf`: BTF types, strings, `.BTF.ext`, kernel BTF and marshalling for the kernel.
 *
 * @module
 */

export { Kind, kindName, MAX_KIND } from "./kind.js";
export {
  Array,
  Const,
  Datasec,
  DeclTag,
  Enum,
  Enum64,
  Float,
  Func,
  FuncLinkage,
  FuncProto,
  Fwd,
  FwdKind,
  Int,
  IntEncoding,
  isQualifier,
  Pointer,
  Restrict,
  Struct,
  Typedef,
  TypeTag,
  Union,
  Var,
  VarLinkage,
  VOID,
  Void,
  Volatile,
  type Enum64Value,
  type EnumValue,
  type FuncParam,
  type Member,
  type Qualifier,
  type Type,
  type VarSecinfo,
} from "./types.js";
export { StringTable } from "./strings.js";
export { BTF_HEADER_LEN, BTF_MAGIC, hostByteOrder, parseHeader, type ByteOrder, type Header } from "./header.js";
export { CHECKPOINT_STRIDE, MAX_TYPE_ID, offsetAt, recordEnd, scanTypes, type RawTypes } from "./raw.js";
export { Spec } from "./spec.js";
export { TypeNotFoundError } from "./not-found.js";
export { loadSpecFromBuffer, type LoadSpecOptions } from "./load.js";
export { formatType } from "./format.js";
export { typeAlign, typeSize, underlyingType } from "./size.js";
export { essentialName } from "./names.js";
export { COREKind, coreKindName, isFieldRelocation, MAX_CORE_KIND } from "./core-kind.js";
export {
  loadExtInfosFromBuffer,
  type CORERelocation,
  type ExtInfos,
  type FuncInfo,
  type LineInfo,
} from "./ext.js";
export { marshalSpec, type BTFFeatures, type MarshalOptions } from "./marshal.js";
export { StringTableBuilder, WordWriter } from "./writer.js";
export {
  defaultKernelSpecCache,
  KERNEL_BTF_DIR,
  KernelSpecCache,
  loadKernelModuleSpec,
  loadKernelSpec,
} from "./kernel.js";
export * from "./core/index.js";
export { codecFor, CodecError, isKernelOwned, type Codec, type CodecOptions } from "./codec/index.js";
