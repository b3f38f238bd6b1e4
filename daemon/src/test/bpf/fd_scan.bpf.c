// SPDX-License-Identifier: GPL-2.0
/*
 * The attacker's ELF object: a program that writes 0x66 into key 0 of the
 * map named by a 64-bit immediate load. As compiled, the load holds the
 * constant 0x12345678 and no map; a test patches it into a load of
 * BPF_PSEUDO_MAP_FD N, as a hand-edited object would carry it, without a
 * relocation that libbpf would rewrite.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int scan(struct __sk_buff *skb)
{
	void *map;
	__u32 key = 0;
	__u64 *value;

	asm volatile("%0 = 0x12345678 ll" : "=r"(map));
	value = bpf_map_lookup_elem(map, &key);
	if (value)
		*value = 0x66;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
