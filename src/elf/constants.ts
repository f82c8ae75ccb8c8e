/**
 * Numeric constants of the ELF64 format (from `elf.h` and the System V gABI) and the BPF
 * relocation types (from LLVM's `ELFRelocs/BPF.def`). Values only; the reader is in `file.ts`.
 *
 * @module
 */

/** Size of an ELF64 file header in bytes. @example `if (bytes.length < ELF64_EHDR_SIZE) throw new Error("short");` */
export const ELF64_EHDR_SIZE = 64;
/** Size of an ELF64 section header in bytes. @example `const end = shoff + shnum * ELF64_SHDR_SIZE;` */
export const ELF64_SHDR_SIZE = 64;
/** Size of an ELF64 program header in bytes. @example `const end = phoff + phnum * ELF64_PHDR_SIZE;` */
export const ELF64_PHDR_SIZE = 56;
/** Size of an ELF64 symbol (`Elf64_Sym`) in bytes. @example `const count = symtab.size / ELF64_SYM_SIZE;` */
export const ELF64_SYM_SIZE = 24;
/** Size of an ELF64 `Elf64_Rel` entry in bytes. @example `const count = rel.size / ELF64_REL_SIZE;` */
export const ELF64_REL_SIZE = 16;
/** Size of an ELF64 `Elf64_Rela` entry in bytes. @example `const count = rela.size / ELF64_RELA_SIZE;` */
export const ELF64_RELA_SIZE = 24;

/** `e_ident[EI_CLASS]` of a 32-bit file. @example `if (bytes[4] === ELFCLASS32) console.log("ELF32");` */
export const ELFCLASS32 = 1;
/** `e_ident[EI_CLASS]` of a 64-bit file. @example `if (bytes[4] === ELFCLASS64) console.log("ELF64");` */
export const ELFCLASS64 = 2;
/** `e_ident[EI_DATA]` of a little-endian file. @example `if (bytes[5] === ELFDATA2LSB) console.log("little");` */
export const ELFDATA2LSB = 1;
/** `e_ident[EI_DATA]` of a big-endian file. @example `if (bytes[5] === ELFDATA2MSB) console.log("big");` */
export const ELFDATA2MSB = 2;
/** The only ELF version, in `e_ident[EI_VERSION]` and `e_version`. @example `if (bytes[6] !== EV_CURRENT) throw new Error("bad version");` */
export const EV_CURRENT = 1;

/** `e_type`: no file type. @example `if (f.type === ET_NONE) console.log("untyped");` */
export const ET_NONE = 0;
/** `e_type`: relocatable object (what clang emits for BPF). @example `if (f.type === ET_REL) console.log("object file");` */
export const ET_REL = 1;
/** `e_type`: executable. @example `if (f.type === ET_EXEC) console.log("executable");` */
export const ET_EXEC = 2;
/** `e_type`: shared object or position-independent executable. @example `if (f.type === ET_DYN) console.log("shared object");` */
export const ET_DYN = 3;
/** `e_type`: core dump. @example `if (f.type === ET_CORE) console.log("core");` */
export const ET_CORE = 4;

/** `e_machine` of x86-64. @example `if (f.machine === EM_X86_64) console.log("x86-64");` */
export const EM_X86_64 = 62;
/** `e_machine` of AArch64. @example `if (f.machine === EM_AARCH64) console.log("arm64");` */
export const EM_AARCH64 = 183;
/** `e_machine` of eBPF. @example `if (f.machine !== EM_BPF) throw new Error("not a BPF object");` */
export const EM_BPF = 247;

/** Section index: undefined (an undefined symbol's section). @example `if (sym.sectionIndex === SHN_UNDEF) console.log("extern");` */
export const SHN_UNDEF = 0;
/** First reserved section index. @example `if (sym.sectionIndex >= SHN_LORESERVE) console.log("special");` */
export const SHN_LORESERVE = 0xff00;
/** Section index: absolute value, not relative to a section. @example `if (sym.sectionIndex === SHN_ABS) console.log("absolute");` */
export const SHN_ABS = 0xfff1;
/** Section index: common block (unallocated C global). @example `if (sym.sectionIndex === SHN_COMMON) console.log("common");` */
export const SHN_COMMON = 0xfff2;
/** Section index escape: the real index is elsewhere (section 0 or `SHT_SYMTAB_SHNDX`). @example `if (raw === SHN_XINDEX) console.log("extended");` */
export const SHN_XINDEX = 0xffff;
/** `e_phnum` escape: the real count is in section 0's `sh_info`. @example `if (phnum === PN_XNUM) console.log("extended");` */
export const PN_XNUM = 0xffff;

/** Section type: unused header. @example `if (s.type === SHT_NULL) return;` */
export const SHT_NULL = 0;
/** Section type: program-defined contents (code, data). @example `if (s.type === SHT_PROGBITS) s.data();` */
export const SHT_PROGBITS = 1;
/** Section type: symbol table. @example `if (s.type === SHT_SYMTAB) console.log("symbols");` */
export const SHT_SYMTAB = 2;
/** Section type: string table. @example `if (s.type === SHT_STRTAB) console.log("strings");` */
export const SHT_STRTAB = 3;
/** Section type: relocations with explicit addends. @example `if (s.type === SHT_RELA) f.relocations(s);` */
export const SHT_RELA = 4;
/** Section type: symbol hash table. @example `if (s.type === SHT_HASH) console.log("hash");` */
export const SHT_HASH = 5;
/** Section type: dynamic linking information. @example `if (s.type === SHT_DYNAMIC) console.log("dynamic");` */
export const SHT_DYNAMIC = 6;
/** Section type: note. @example `if (s.type === SHT_NOTE) console.log("note");` */
export const SHT_NOTE = 7;
/** Section type: occupies no file space (`.bss`). @example `if (s.type === SHT_NOBITS) console.log(s.size, "zero bytes");` */
export const SHT_NOBITS = 8;
/** Section type: relocations without addends (what clang emits for BPF). @example `if (s.type === SHT_REL) f.relocations(s);` */
export const SHT_REL = 9;
/** Section type: reserved. @example `if (s.type === SHT_SHLIB) console.log("shlib");` */
export const SHT_SHLIB = 10;
/** Section type: dynamic linker symbol table. @example `if (s.type === SHT_DYNSYM) console.log("dynamic symbols");` */
export const SHT_DYNSYM = 11;
/** Section type: array of constructors. @example `if (s.type === SHT_INIT_ARRAY) console.log("ctors");` */
export const SHT_INIT_ARRAY = 14;
/** Section type: array of destructors. @example `if (s.type === SHT_FINI_ARRAY) console.log("dtors");` */
export const SHT_FINI_ARRAY = 15;
/** Section type: array of pre-constructors. @example `if (s.type === SHT_PREINIT_ARRAY) console.log("pre-ctors");` */
export const SHT_PREINIT_ARRAY = 16;
/** Section type: section group. @example `if (s.type === SHT_GROUP) console.log("group");` */
export const SHT_GROUP = 17;
/** Section type: extended section indices of a symbol table. @example `if (s.type === SHT_SYMTAB_SHNDX) console.log(s.link);` */
export const SHT_SYMTAB_SHNDX = 18;
/** Section type: LLVM address-significance table. @example `if (s.type === SHT_LLVM_ADDRSIG) return;` */
export const SHT_LLVM_ADDRSIG = 0x6fff4c03;
/** Section type: GNU hash table. @example `if (s.type === SHT_GNU_HASH) console.log("gnu hash");` */
export const SHT_GNU_HASH = 0x6ffffff6;
/** Section type: GNU symbol version definitions. @example `if (s.type === SHT_GNU_VERDEF) console.log("verdef");` */
export const SHT_GNU_VERDEF = 0x6ffffffd;
/** Section type: GNU symbol version requirements. @example `if (s.type === SHT_GNU_VERNEED) console.log("verneed");` */
export const SHT_GNU_VERNEED = 0x6ffffffe;
/** Section type: GNU symbol version table. @example `if (s.type === SHT_GNU_VERSYM) console.log("versym");` */
export const SHT_GNU_VERSYM = 0x6fffffff;

/** Section flag: writable. @example `const writable = (s.flags & SHF_WRITE) !== 0;` */
export const SHF_WRITE = 0x1;
/** Section flag: occupies memory at run time. @example `const alloc = (s.flags & SHF_ALLOC) !== 0;` */
export const SHF_ALLOC = 0x2;
/** Section flag: executable instructions. @example `const code = (s.flags & SHF_EXECINSTR) !== 0;` */
export const SHF_EXECINSTR = 0x4;
/** Section flag: may be merged. @example `const merge = (s.flags & SHF_MERGE) !== 0;` */
export const SHF_MERGE = 0x10;
/** Section flag: NUL-terminated strings. @example `const strings = (s.flags & SHF_STRINGS) !== 0;` */
export const SHF_STRINGS = 0x20;
/** Section flag: `sh_info` holds a section index. @example `const infoLink = (s.flags & SHF_INFO_LINK) !== 0;` */
export const SHF_INFO_LINK = 0x40;
/** Section flag: preserve order after combining. @example `const ordered = (s.flags & SHF_LINK_ORDER) !== 0;` */
export const SHF_LINK_ORDER = 0x80;
/** Section flag: member of a section group. @example `const grouped = (s.flags & SHF_GROUP) !== 0;` */
export const SHF_GROUP = 0x200;
/** Section flag: thread-local storage. @example `const tls = (s.flags & SHF_TLS) !== 0;` */
export const SHF_TLS = 0x400;
/** Section flag: contents are compressed (`Elf64_Chdr` first). @example `const compressed = (s.flags & SHF_COMPRESSED) !== 0;` */
export const SHF_COMPRESSED = 0x800;
/** Section flag: excluded from links (e.g. `.llvm_addrsig`). @example `const excluded = (s.flags & SHF_EXCLUDE) !== 0;` */
export const SHF_EXCLUDE = 0x80000000;

/** Symbol binding: local. @example `if (sym.bind === STB_LOCAL) console.log("static");` */
export const STB_LOCAL = 0;
/** Symbol binding: global. @example `if (sym.bind === STB_GLOBAL) console.log("global");` */
export const STB_GLOBAL = 1;
/** Symbol binding: weak. @example `if (sym.bind === STB_WEAK) console.log("weak");` */
export const STB_WEAK = 2;
/** Symbol binding: unique global (GNU). @example `if (sym.bind === STB_GNU_UNIQUE) console.log("unique");` */
export const STB_GNU_UNIQUE = 10;

/** Symbol type: unspecified. @example `if (sym.type === STT_NOTYPE) console.log("no type");` */
export const STT_NOTYPE = 0;
/** Symbol type: data object (variable, map). @example `if (sym.type === STT_OBJECT) console.log("object");` */
export const STT_OBJECT = 1;
/** Symbol type: function. @example `if (sym.type === STT_FUNC) console.log("function");` */
export const STT_FUNC = 2;
/** Symbol type: a section. @example `if (sym.type === STT_SECTION) console.log("section symbol");` */
export const STT_SECTION = 3;
/** Symbol type: source file name. @example `if (sym.type === STT_FILE) console.log("file", sym.name);` */
export const STT_FILE = 4;
/** Symbol type: common block. @example `if (sym.type === STT_COMMON) console.log("common");` */
export const STT_COMMON = 5;
/** Symbol type: thread-local storage. @example `if (sym.type === STT_TLS) console.log("tls");` */
export const STT_TLS = 6;
/** Symbol type: indirect function (GNU ifunc). @example `if (sym.type === STT_GNU_IFUNC) console.log("ifunc");` */
export const STT_GNU_IFUNC = 10;

/** Symbol visibility: default. @example `if (sym.visibility === STV_DEFAULT) console.log("default");` */
export const STV_DEFAULT = 0;
/** Symbol visibility: internal. @example `if (sym.visibility === STV_INTERNAL) console.log("internal");` */
export const STV_INTERNAL = 1;
/** Symbol visibility: hidden. @example `if (sym.visibility === STV_HIDDEN) console.log("hidden");` */
export const STV_HIDDEN = 2;
/** Symbol visibility: protected. @example `if (sym.visibility === STV_PROTECTED) console.log("protected");` */
export const STV_PROTECTED = 3;

/** Segment type: unused. @example `if (ph.type === PT_NULL) return;` */
export const PT_NULL = 0;
/** Segment type: loadable. @example `if (ph.type === PT_LOAD) console.log(ph.vaddr);` */
export const PT_LOAD = 1;
/** Segment type: dynamic linking information. @example `if (ph.type === PT_DYNAMIC) console.log("dynamic");` */
export const PT_DYNAMIC = 2;
/** Segment type: program interpreter path. @example `if (ph.type === PT_INTERP) console.log("interp");` */
export const PT_INTERP = 3;
/** Segment type: notes. @example `if (ph.type === PT_NOTE) console.log("note");` */
export const PT_NOTE = 4;
/** Segment type: the program header table itself. @example `if (ph.type === PT_PHDR) console.log("phdr");` */
export const PT_PHDR = 6;
/** Segment type: thread-local storage template. @example `if (ph.type === PT_TLS) console.log("tls");` */
export const PT_TLS = 7;
/** Segment flag: executable. @example `const exec = (ph.flags & PF_X) !== 0;` */
export const PF_X = 0x1;
/** Segment flag: writable. @example `const writable = (ph.flags & PF_W) !== 0;` */
export const PF_W = 0x2;
/** Segment flag: readable. @example `const readable = (ph.flags & PF_R) !== 0;` */
export const PF_R = 0x4;

/** BPF relocation: none. @example `if (rel.type === R_BPF_NONE) return;` */
export const R_BPF_NONE = 0;
/** BPF relocation: 64-bit immediate of an `ld_imm64` (map or global-data reference). @example `if (rel.type === R_BPF_64_64) console.log("ld_imm64");` */
export const R_BPF_64_64 = 1;
/** BPF relocation: 64-bit absolute data (e.g. in `.BTF`, `.maps`). @example `if (rel.type === R_BPF_64_ABS64) console.log("abs64");` */
export const R_BPF_64_ABS64 = 2;
/** BPF relocation: 32-bit absolute data (e.g. in `.BTF.ext`). @example `if (rel.type === R_BPF_64_ABS32) console.log("abs32");` */
export const R_BPF_64_ABS32 = 3;
/** BPF relocation: 32-bit data the dynamic loader ignores (DWARF). @example `if (rel.type === R_BPF_64_NODYLD32) console.log("dwarf");` */
export const R_BPF_64_NODYLD32 = 4;
/** BPF relocation: 32-bit PC-relative call target (bpf-to-bpf or kfunc call). @example `if (rel.type === R_BPF_64_32) console.log("call");` */
export const R_BPF_64_32 = 10;
