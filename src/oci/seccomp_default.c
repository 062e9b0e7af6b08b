/* Docker 20.10's default seccomp profile as C data, in Docker's profile format (allow list with
 * arch-, capability- and kernel-conditional rules); seccomp.c converts it like a user profile. */
#include <stddef.h>

#include "oci/internal.h"

#include "base/banned.h"

static const char *const names_0[] = {
	"accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset",
	"chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
	"clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
	"clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat",
	"dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old",
	"epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2",
	"execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
	"fadvise64_64", "fallocate", "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown",
	"fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "flistxattr",
	"flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs",
	"fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex", "futex_time64", "futex_waitv",
	"futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid", "getegid32",
	"geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32", "getitimer",
	"getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom",
	"getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "get_robust_list",
	"getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area", "gettid",
	"gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init",
	"inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
	"io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup",
	"io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup", "ipc", "kill",
	"landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown",
	"lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr", "_llseek",
	"lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "membarrier",
	"memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat",
	"mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr", "mq_notify",
	"mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	"mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd",
	"msync", "munlock", "munlockall", "munmap", "nanosleep", "newfstatat", "_newselect",
	"open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2",
	"poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
	"process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2",
	"read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
	"recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat",
	"renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
	"rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
	"rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
	"sched_getparam", "sched_get_priority_max", "sched_get_priority_min",
	"sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
	"sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
	"sched_yield", "seccomp", "select", "semctl", "semget", "semop", "semtimedop",
	"semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg", "sendto",
	"setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
	"setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
	"setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32",
	"setrlimit", "set_robust_list", "setsid", "setsockopt", "set_thread_area",
	"set_tid_address", "setuid", "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget",
	"shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socket",
	"socketcall", "socketpair", "splice", "stat", "stat64", "statfs", "statfs64", "statx",
	"symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill",
	"time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
	"timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create",
	"timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times",
	"tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname", "unlink", "unlinkat",
	"utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4",
	"waitid", "waitpid", "write", "writev", NULL,
};
static const char *const names_1[] = {
	"ptrace", NULL,
};
static const char *const names_2[] = {
	"personality", NULL,
};
static const struct seccomp_arg args_2[] = {
	{ 0, 0ULL, 0ULL, "SCMP_CMP_EQ" },
};
static const char *const names_3[] = {
	"personality", NULL,
};
static const struct seccomp_arg args_3[] = {
	{ 0, 8ULL, 0ULL, "SCMP_CMP_EQ" },
};
static const char *const names_4[] = {
	"personality", NULL,
};
static const struct seccomp_arg args_4[] = {
	{ 0, 131072ULL, 0ULL, "SCMP_CMP_EQ" },
};
static const char *const names_5[] = {
	"personality", NULL,
};
static const struct seccomp_arg args_5[] = {
	{ 0, 131080ULL, 0ULL, "SCMP_CMP_EQ" },
};
static const char *const names_6[] = {
	"personality", NULL,
};
static const struct seccomp_arg args_6[] = {
	{ 0, 4294967295ULL, 0ULL, "SCMP_CMP_EQ" },
};
static const char *const names_7[] = {
	"sync_file_range2", NULL,
};
static const char *const inc_arches_7[] = { "ppc64le", NULL };
static const char *const names_8[] = {
	"arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush",
	"set_tls", NULL,
};
static const char *const inc_arches_8[] = { "arm", "arm64", NULL };
static const char *const names_9[] = {
	"arch_prctl", NULL,
};
static const char *const inc_arches_9[] = { "amd64", "x32", NULL };
static const char *const names_10[] = {
	"modify_ldt", NULL,
};
static const char *const inc_arches_10[] = { "amd64", "x32", "x86", NULL };
static const char *const names_11[] = {
	"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr", NULL,
};
static const char *const inc_arches_11[] = { "s390", "s390x", NULL };
static const char *const names_12[] = {
	"open_by_handle_at", NULL,
};
static const char *const inc_caps_12[] = { "CAP_DAC_READ_SEARCH", NULL };
static const char *const names_13[] = {
	"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
	"lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at",
	"open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
	"setns", "syslog", "umount", "umount2", "unshare", NULL,
};
static const char *const inc_caps_13[] = { "CAP_SYS_ADMIN", NULL };
static const char *const names_14[] = {
	"clone", NULL,
};
static const char *const exc_arches_14[] = { "s390", "s390x", NULL };
static const char *const exc_caps_14[] = { "CAP_SYS_ADMIN", NULL };
static const struct seccomp_arg args_14[] = {
	{ 0, 2114060288ULL, 0ULL, "SCMP_CMP_MASKED_EQ" },
};
static const char *const names_15[] = {
	"clone", NULL,
};
static const char *const inc_arches_15[] = { "s390", "s390x", NULL };
static const char *const exc_caps_15[] = { "CAP_SYS_ADMIN", NULL };
static const struct seccomp_arg args_15[] = {
	{ 1, 2114060288ULL, 0ULL, "SCMP_CMP_MASKED_EQ" },
};
static const char *const names_16[] = {
	"clone3", NULL,
};
static const char *const exc_caps_16[] = { "CAP_SYS_ADMIN", NULL };
static const char *const names_17[] = {
	"reboot", NULL,
};
static const char *const inc_caps_17[] = { "CAP_SYS_BOOT", NULL };
static const char *const names_18[] = {
	"chroot", NULL,
};
static const char *const inc_caps_18[] = { "CAP_SYS_CHROOT", NULL };
static const char *const names_19[] = {
	"delete_module", "init_module", "finit_module", NULL,
};
static const char *const inc_caps_19[] = { "CAP_SYS_MODULE", NULL };
static const char *const names_20[] = {
	"acct", NULL,
};
static const char *const inc_caps_20[] = { "CAP_SYS_PACCT", NULL };
static const char *const names_21[] = {
	"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
	"ptrace", NULL,
};
static const char *const inc_caps_21[] = { "CAP_SYS_PTRACE", NULL };
static const char *const names_22[] = {
	"iopl", "ioperm", NULL,
};
static const char *const inc_caps_22[] = { "CAP_SYS_RAWIO", NULL };
static const char *const names_23[] = {
	"settimeofday", "stime", "clock_settime", NULL,
};
static const char *const inc_caps_23[] = { "CAP_SYS_TIME", NULL };
static const char *const names_24[] = {
	"vhangup", NULL,
};
static const char *const inc_caps_24[] = { "CAP_SYS_TTY_CONFIG", NULL };
static const char *const names_25[] = {
	"get_mempolicy", "mbind", "set_mempolicy", NULL,
};
static const char *const inc_caps_25[] = { "CAP_SYS_NICE", NULL };
static const char *const names_26[] = {
	"syslog", NULL,
};
static const char *const inc_caps_26[] = { "CAP_SYSLOG", NULL };

const struct seccomp_rule seccomp_default_rules[] = {
	{ .names = names_0, .action = "SCMP_ACT_ALLOW", .errno_ret = -1 },
	{ .names = names_1, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_min_kernel = "4.8" },
	{ .names = names_2, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_2, .n_args = 1 },
	{ .names = names_3, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_3, .n_args = 1 },
	{ .names = names_4, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_4, .n_args = 1 },
	{ .names = names_5, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_5, .n_args = 1 },
	{ .names = names_6, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_6, .n_args = 1 },
	{ .names = names_7, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .inc_arches = inc_arches_7 },
	{ .names = names_8, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .inc_arches = inc_arches_8 },
	{ .names = names_9, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .inc_arches = inc_arches_9 },
	{ .names = names_10, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .inc_arches = inc_arches_10 },
	{ .names = names_11, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .inc_arches = inc_arches_11 },
	{ .names = names_12, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_12 },
	{ .names = names_13, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_13 },
	{ .names = names_14, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_14, .n_args = 1, .exc_arches = exc_arches_14, .exc_caps = exc_caps_14 },
	{ .names = names_15, .action = "SCMP_ACT_ALLOW", .errno_ret = -1,
	  .args = args_15, .n_args = 1, .inc_arches = inc_arches_15, .exc_caps = exc_caps_15 },
	{ .names = names_16, .action = "SCMP_ACT_ERRNO", .errno_ret = 38, .exc_caps = exc_caps_16 },
	{ .names = names_17, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_17 },
	{ .names = names_18, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_18 },
	{ .names = names_19, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_19 },
	{ .names = names_20, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_20 },
	{ .names = names_21, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_21 },
	{ .names = names_22, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_22 },
	{ .names = names_23, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_23 },
	{ .names = names_24, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_24 },
	{ .names = names_25, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_25 },
	{ .names = names_26, .action = "SCMP_ACT_ALLOW", .errno_ret = -1, .inc_caps = inc_caps_26 },
};
const size_t seccomp_default_n_rules = ARRAY_SIZE(seccomp_default_rules);

const struct seccomp_archmap seccomp_default_archmap[] = {
	{ "SCMP_ARCH_X86_64", { "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL } },
	{ "SCMP_ARCH_AARCH64", { "SCMP_ARCH_ARM", NULL } },
	{ "SCMP_ARCH_MIPS64", { "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32", NULL } },
	{ "SCMP_ARCH_MIPS64N32", { "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", NULL } },
	{ "SCMP_ARCH_MIPSEL64", { "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32", NULL } },
	{ "SCMP_ARCH_MIPSEL64N32", { "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", NULL } },
	{ "SCMP_ARCH_S390X", { "SCMP_ARCH_S390", NULL } },
};
const size_t seccomp_default_n_archmap = ARRAY_SIZE(seccomp_default_archmap);
