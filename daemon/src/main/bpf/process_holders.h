/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two process-holder iterator programs share: the kernel types they
 * read, the record they write, and how they tell a BPF object's file.
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
 * objects do not depend on the build host's kernel. A field that a program
 * does not read costs it nothing.
 */
#ifndef PROCESS_HOLDERS_H
#define PROCESS_HOLDERS_H

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
/* Not a holder: the process has more than the program covers. */
#define KIND_INCOMPLETE 4

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

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
	unsigned long *open_fds;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *group_leader;
	struct files_struct *files;
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

/*
 * Whether `file` is a BPF map, program or link; if so, its kind and id go into
 * `record`. `file` must allow direct loads: an iterator's context gives one, a
 * bpf_rdonly_cast() another.
 */
static __always_inline int identify_bpf_file(struct file *file, struct holder_record *record)
{
	char name[NAME_LENGTH];
	void *object;

	if (file->f_inode->i_sb->s_magic != ANON_INODE_FS_MAGIC)
		return 0;
	__builtin_memset(name, 0, sizeof(name));
	bpf_probe_read_kernel_str(name, sizeof(name), file->f_path.dentry->d_name.name);
	object = file->private_data;
	if (named(name, "bpf-map")) {
		record->kind = KIND_MAP;
		record->id = BPF_CORE_READ((struct bpf_map *)object, id);
	} else if (named(name, "bpf-prog")) {
		record->kind = KIND_PROGRAM;
		record->id = BPF_CORE_READ((struct bpf_prog *)object, aux, id);
	} else if (named(name, "bpf_link") || named(name, "bpf-link")) {
		record->kind = KIND_LINK;
		record->id = BPF_CORE_READ((struct bpf_link *)object, id);
	} else {
		return 0;
	}
	return 1;
}

#endif
