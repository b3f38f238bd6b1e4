/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter of the test programs: one 64-bit value at key 0 of an array,
 * which a test reads through MapLookup, or bpftool once the daemon is gone.
 * Include it after <linux/bpf.h> or "vmlinux.h", and <bpf/bpf_helpers.h>.
 */
#ifndef COUNTER_H
#define COUNTER_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

static __always_inline void count(void)
{
	__u32 key = 0;
	__u64 *value = bpf_map_lookup_elem(&counter, &key);

	if (value)
		__sync_fetch_and_add(value, 1);
}

#endif
