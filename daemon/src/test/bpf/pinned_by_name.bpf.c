// SPDX-License-Identifier: GPL-2.0
/*
 * A socket filter that counts its runs in a map that libbpf pins by name
 * (LIBBPF_PIN_BY_NAME): the daemon pins it in users/UID of the loader.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_runs SEC(".maps");

SEC("socket")
int count_runs(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *runs = bpf_map_lookup_elem(&shared_runs, &key);

	if (runs)
		__sync_fetch_and_add(runs, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
