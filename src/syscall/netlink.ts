/**
 * rtnetlink, for the one request the library needs: `RTM_SETLINK` with `IFLA_XDP`, which
 * attaches XDP programs on kernels without XDP links (before 5.9).
 *
 * @module
 */
import koffi from "koffi";
import { SyscallError } from "./error.js";
import { addressOf, lastErrno, libcClose } from "./libc.js";

const libc = koffi.load("libc.so.6");
const libcSocket = libc.func("int socket(int domain, int type, int protocol)") as (d: number, t: number, p: number) => number;
const libcSendto = libc.func(
  "long sendto(int fd, uintptr_t buf, size_t len, int flags, uintptr_t addr, uint32_t addrlen)",
) as (fd: number, buf: number, len: number, flags: number, addr: number, addrlen: number) => number;
const libcRecv = libc.func("long recv(int fd, uintptr_t buf, size_t len, int flags)") as (
  fd: number,
  buf: number,
  len: number,
  flags: number,
) => number;

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const MSG_DONTWAIT = 0x40;
const RTM_SETLINK = 19;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLMSG_ERROR = 2;
const IFLA_XDP = 43;
const NLA_F_NESTED = 0x8000;
const IFLA_XDP_FD = 1;
const IFLA_XDP_FLAGS = 3;
const IFLA_XDP_EXPECTED_FD = 8;
/** `XDP_FLAGS_REPLACE` (5.7+): only replace the program whose fd is in IFLA_XDP_EXPECTED_FD. */
const XDP_FLAGS_REPLACE = 16;

/** nlmsghdr (16) + ifinfomsg (16) + IFLA_XDP header (4) + three 8-byte attributes. */
const MESSAGE_SIZE = 16 + 16 + 4 + 3 * 8;

let sequence = 0;

/**
 * Set (or with `progFd` -1, clear) the XDP program of interface `ifindex` by rtnetlink. With
 * `expectedFd` the kernel only acts if that program is the attached one (`XDP_FLAGS_REPLACE`,
 * 5.7+). Throws `SyscallError` with the kernel's errno.
 *
 * @example
 * ```ts
 * import { netlinkSetXDP } from "./netlink.js";
 * netlinkSetXDP(ifindex, prog.fd, 2); // XDP_FLAGS_SKB_MODE
 * ```
 */
export function netlinkSetXDP(ifindex: number, progFd: number, flags: number, expectedFd?: number): void {
  const msg = new Uint8Array(MESSAGE_SIZE);
  const v = new DataView(msg.buffer);
  const attrCount = expectedFd === undefined ? 2 : 3;
  const length = 32 + 4 + attrCount * 8;
  const seq = (sequence = (sequence + 1) >>> 0);
  v.setUint32(0, length, true);
  v.setUint16(4, RTM_SETLINK, true);
  v.setUint16(6, NLM_F_REQUEST | NLM_F_ACK, true);
  v.setUint32(8, seq, true);
  v.setInt32(16 + 4, ifindex, true); // ifinfomsg.ifi_index; family, type, flags, change stay 0
  v.setUint16(32, 4 + attrCount * 8, true);
  v.setUint16(34, IFLA_XDP | NLA_F_NESTED, true);
  const attr = (at: number, type: number, value: number, signed: boolean): void => {
    v.setUint16(at, 8, true);
    v.setUint16(at + 2, type, true);
    if (signed) v.setInt32(at + 4, value, true);
    else v.setUint32(at + 4, value, true);
  };
  attr(36, IFLA_XDP_FD, progFd, true);
  attr(44, IFLA_XDP_FLAGS, expectedFd === undefined ? flags : flags | XDP_FLAGS_REPLACE, false);
  if (expectedFd !== undefined) attr(52, IFLA_XDP_EXPECTED_FD, expectedFd, true);

  const sock = libcSocket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (sock < 0) throw new SyscallError("socket(AF_NETLINK)", lastErrno());
  try {
    const addr = new Uint8Array(12);
    new DataView(addr.buffer).setUint16(0, AF_NETLINK, true); // sockaddr_nl: pid 0 = the kernel
    if (libcSendto(sock, addressOf(msg), length, 0, addressOf(addr), addr.length) < 0) {
      throw new SyscallError("sendto(RTM_SETLINK)", lastErrno(), `ifindex ${ifindex}`);
    }
    // rtnetlink answers before sendto returns, so a non-blocking read never waits.
    const reply = new Uint8Array(4096);
    const n = libcRecv(sock, addressOf(reply), reply.length, MSG_DONTWAIT);
    if (n < 0) throw new SyscallError("recv(RTM_SETLINK)", lastErrno(), `ifindex ${ifindex}`);
    const r = new DataView(reply.buffer);
    if (n < 20 || r.getUint16(4, true) !== NLMSG_ERROR || r.getUint32(8, true) !== seq) {
      throw new SyscallError("RTM_SETLINK", 71 /* EPROTO */, `unexpected netlink reply for ifindex ${ifindex}`);
    }
    const error = r.getInt32(16, true);
    if (error < 0) throw new SyscallError("RTM_SETLINK IFLA_XDP", -error, `ifindex ${ifindex}`);
  } finally {
    libcClose(sock);
  }
}
