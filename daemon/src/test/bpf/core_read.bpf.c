// SPDX-License-Identifier: GPL-2.0
/*
 * A CO-RE program: it reads task_struct fields through BPF_CORE_READ, so it
 * loads only if libbpf relocates the field offsets against the running
 * kernel's BTF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} last_tgid SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int core_getpid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u32 key = 0;
	__u32 tgid = BPF_CORE_READ(task, tgid);

	bpf_map_update_elem(&last_tgid, &key, &tgid, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
