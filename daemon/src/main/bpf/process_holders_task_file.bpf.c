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
 * How a BPF object's file is told apart, and the kernel types read, are in
 * process_holders.h, shared with process_holders.bpf.c.
 */
#include "process_holders.h"

struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

SEC("iter/task_file")
int bpfkeeper_pids(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct holder_record record;

	if (!task || !file)
		return 0;
	/*
	 * /proc/PID/fd shows the fd table of the process's leader. The kernel
	 * skips threads that share it; one that unshared its own is left out
	 * here too, so that both ways of looking agree.
	 */
	if (task->pid != task->tgid)
		return 0;
	__builtin_memset(&record, 0, sizeof(record));
	if (!identify_bpf_file(file, &record))
		return 0;
	record.tgid = task->tgid;
	record.fd = ctx->fd;
	bpf_probe_read_kernel_str(record.comm, sizeof(record.comm), task->group_leader->comm);
	bpf_seq_write(ctx->meta->seq, &record, sizeof(record));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
