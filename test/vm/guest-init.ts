/**
 * The guest's `/init`: a busybox shell script that loads the 9p/virtio modules, builds a root from
 * the host's filesystem (read-only 9p under a tmpfs overlay), mounts the kernel filesystems the
 * tests use, runs the command as root in the project directory with its output on virtio-serial
 * ports, reports its exit status and reboots (qemu runs with `-no-reboot`, so that ends it).
 *
 * @module
 */

/**
 * What the guest runs and where.
 *
 * @example
 * const cmd: GuestCommand = { cwd: "/work/main", argv: ["node", "-v"], env: {}, scratchDir: "/tmp/x", copies: [], binds: [] };
 */
export interface GuestCommand {
  /** Absolute project directory; the same path in the guest as on the host. */
  readonly cwd: string;
  /** argv of the command. */
  readonly argv: readonly string[];
  /** Environment of the command (nothing else is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** Host directory shared writable at the same path (the JSON report goes there). */
  readonly scratchDir: string;
  /** Host files copied to a guest path (the booted kernel's config to /boot/config-<release>). */
  readonly copies: readonly { readonly from: string; readonly to: string }[];
  /** Host directories bind-mounted at a guest path (its modules to /lib/modules/<release>). */
  readonly binds: readonly { readonly from: string; readonly to: string }[];
}

/**
 * 9p mount tags the qemu command line and the init script agree on.
 *
 * @example
 * `virtio-9p-device,fsdev=hostroot,mount_tag=${TAGS.root}`;
 */
export const TAGS = { root: "hostroot", scratch: "scratch" } as const;

/**
 * virtio-serial port names, likewise.
 *
 * @example
 * `virtserialport,chardev=status,name=${PORTS.status}`;
 */
export const PORTS = { stdout: "stdout", stderr: "stderr", status: "status" } as const;

/** Quotes `s` for a POSIX shell. */
function shQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `/init` script for `cmd`.
 *
 * @example
 * guestInit({ cwd: "/work/main", argv: ["node", "-v"], env: {}, scratchDir: "/tmp/x", copies: [], binds: [] });
 */
export function guestInit(cmd: GuestCommand): string {
  const env = Object.entries(cmd.env).map(([k, v]) => shQuote(`${k}=${v}`)).join(" ");
  const script = `cd ${shQuote(cmd.cwd)} || exit 125\nexec ${cmd.argv.map(shQuote).join(" ")}\n`;
  const copies = cmd.copies
    .map(({ from, to }) => `mkdir -p "$R"${shQuote(to.replace(/\/[^/]*$/, ""))} && cp "$R"${shQuote(from)} "$R"${shQuote(to)}`)
    .join("\n");
  const binds = cmd.binds
    .map(({ from, to }) => `mkdir -p "$R"${shQuote(to)} && mount --bind "$R"${shQuote(from)} "$R"${shQuote(to)}`)
    .join("\n");
  const p9 = "trans=virtio,version=9p2000.L,msize=262144";
  // /tmp and /run get fresh tmpfs mounts in the guest, which would hide a project checked out
  // below them (a CI clone in /tmp): such a project gets a writable overlay of its own.
  const hidden = /^\/(tmp|run)\//.test(cmd.cwd);
  const project = hidden
    ? `mkdir -p /rw/pupper /rw/pwork "$R"${shQuote(cmd.cwd)} && mount -t overlay -o lowerdir=/host${cmd.cwd},upperdir=/rw/pupper,workdir=/rw/pwork overlay "$R"${shQuote(cmd.cwd)} || fail "overlay of the project dir failed"`
    : "";
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
say() { echo "vm-init: $*" > /dev/console; }
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in /modules/*.ko; do insmod "$m" || say "insmod $m failed"; done
# A port shows up (and gets its name from the host) some time after virtio_console is loaded.
port() {
  i=0
  while [ $i -lt 200 ]; do
    for p in /sys/class/virtio-ports/*; do
      [ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && [ -e "/dev/\${p##*/}" ] && { echo "/dev/\${p##*/}"; return; }
    done
    usleep 50000
    i=$((i + 1))
  done
  say "no virtio-serial port named $1"
  echo /dev/null
}
STATUS=$(port ${PORTS.status})
fail() { say "$*"; echo "exit 124 $*" > "$STATUS"; sync; reboot -f; }
mkdir -p /host /rw /newroot
mount -t 9p -o ${p9},ro,cache=loose ${TAGS.root} /host || fail "9p mount of the host root failed"
mount -t tmpfs -o mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot || fail "overlay failed"
R=/newroot
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm && mount -t devpts devpts $R/dev/pts && mount -t tmpfs shm $R/dev/shm
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t bpf bpf $R/sys/fs/bpf || say "bpffs mount failed"
mount -t tracefs tracefs $R/sys/kernel/tracing || say "tracefs mount failed"
mount -t debugfs debugfs $R/sys/kernel/debug || say "debugfs mount failed"
mount -t securityfs securityfs $R/sys/kernel/security || say "securityfs mount failed"
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup || say "cgroup2 mount failed"
mount -t tmpfs tmp $R/tmp
mount -t tmpfs run $R/run
${project}
mkdir -p $R${cmd.scratchDir}
mount -t 9p -o ${p9} ${TAGS.scratch} $R${cmd.scratchDir} || fail "9p mount of the scratch dir failed"
${copies}
${binds}
cat > $R/run/vm-command.sh <<'VM_COMMAND_EOF'
${script}VM_COMMAND_EOF
read UP _ < /proc/uptime
echo "started $UP" > "$STATUS"
say "command starting at \${UP}s"
chroot $R /usr/bin/env -i ${env} /bin/sh /run/vm-command.sh > "$(port ${PORTS.stdout})" 2> "$(port ${PORTS.stderr})"
RC=$?
echo "exit $RC" > "$STATUS"
say "command exited with $RC"
sync
reboot -f
`;
}
