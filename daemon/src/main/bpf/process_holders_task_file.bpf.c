// SPDX-License-Identifier: GPL-2.0
/*
 * The processes that hold fds on BPF objects, for Explain, on kernels before
 * 6.17, where process_holders.bpf.c does not load (it needs bpf_rdonly_cast
 * to void): an iter/task_file program that the kernel runs on every open
 * file of every process, and that writes one record per BPF map, program or
 * link fd, in the same layout. It needs kernel 5.8 or later. A pass costs ~3
 * to 4 times that of process_holders.bpf.c, almost all of it the kernel's
 * per-file iteration, but still a few read() calls where a scan of /proc
 * makes a readlink per fd of every process.
 *
 * A file is a BPF object's when it is an anonymous inode named as the kernel
 * names them ("bpf-map", "bpf-prog", "bpf_link" or "bpf-link"), the very names
 * that /proc shows as anon_inode:NAME. bpftool compares file->f_op with the
 * kernel symbols bpf_map_fops and the like instead, but libbpf finds their
 * addresses in /proc/kallsyms, which shows zeros to a daemon without
 * CAP_SYSLOG (bpfkeeper.service has none) wherever perf_event_paranoid > 1,
 * and then nothing would ever match.
 *
 * The kernel types are declared here, with only the fields read, for CO-RE:
 * libbpf moves every access to where the running kernel has the field, so the
 * object does not depend on the build host's kernel.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* include/uapi/linux/magic.h; not in every distribution's uapi headers. */
#define ANON_INODE_FS_MAGIC 0x09041934
#define NAME_LENGTH 16
#define COMM_LENGTH 16

/* The record's kind; ProcessHolderIterator reads the same numbers. */
#define KIND_MAP 1
#define KIND_PROGRAM 2
#define KIND_LINK 3

struct super_block {
	unsigned long s_magic;
} __attribute__((preserve_access_index));

struct inode {
	struct super_block *i_sb;
} __attribute__((preserve_access_index));

struct qstr {
	const unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry {
	struct qstr d_name;
} __attribute__((preserve_access_index));

struct path {
	struct dentry *dentry;
} __attribute__((preserve_access_index));

struct file {
	struct path f_path;
	struct inode *f_inode;
	void *private_data;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *group_leader;
	char comm[COMM_LENGTH];
} __attribute__((preserve_access_index));

struct bpf_map {
	__u32 id;
} __attribute__((preserve_access_index));

struct bpf_prog_aux {
	__u32 id;
} __attribute__((preserve_access_index));

struct bpf_prog {
	struct bpf_prog_aux *aux;
} __attribute__((preserve_access_index));

struct bpf_link {
	__u32 id;
} __attribute__((preserve_access_index));

struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

/* 32 bytes, no padding; ProcessHolderIterator reads this layout. */
struct holder_record {
	__u32 tgid;
	__u32 fd;
	__u32 kind;
	__u32 id;
	char comm[COMM_LENGTH];
};

static __always_inline int named(const char *name, const char *expected)
{
	/* Every name compared is at most 8 characters: 9 bytes include its end. */
#pragma unroll
	for (int i = 0; i < 9; i++) {
		if (name[i] != expected[i])
			return 0;
		if (expected[i] == '\0')
			return 1;
	}
	return 1;
}

SEC("iter/task_file")
int bpfkeeper_pids(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct holder_record record;
	char name[NAME_LENGTH];
	void *object;

	if (!task || !file)
		return 0;
	/*
	 * /proc/PID/fd shows the fd table of the process's leader. The kernel
	 * skips threads that share it; one that unshared its own is left out
	 * here too, so that both ways of looking agree.
	 */
	if (task->pid != task->tgid)
		return 0;
	if (file->f_inode->i_sb->s_magic != ANON_INODE_FS_MAGIC)
		return 0;

	__builtin_memset(name, 0, sizeof(name));
	bpf_probe_read_kernel_str(name, sizeof(name), file->f_path.dentry->d_name.name);
	__builtin_memset(&record, 0, sizeof(record));
	object = file->private_data;
	if (named(name, "bpf-map")) {
		record.kind = KIND_MAP;
		record.id = BPF_CORE_READ((struct bpf_map *)object, id);
	} else if (named(name, "bpf-prog")) {
		record.kind = KIND_PROGRAM;
		record.id = BPF_CORE_READ((struct bpf_prog *)object, aux, id);
	} else if (named(name, "bpf_link") || named(name, "bpf-link")) {
		record.kind = KIND_LINK;
		record.id = BPF_CORE_READ((struct bpf_link *)object, id);
	} else {
		return 0;
	}
	record.tgid = task->tgid;
	record.fd = ctx->fd;
	bpf_probe_read_kernel_str(record.comm, sizeof(record.comm), task->group_leader->comm);
	bpf_seq_write(ctx->meta->seq, &record, sizeof(record));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
