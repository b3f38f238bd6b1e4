// SPDX-License-Identifier: GPL-2.0
/*
 * The processes that hold fds on BPF objects, for Explain: an iter/task
 * program that the kernel runs on every task, and that walks the fd table of
 * every process (thread-group leader) itself, writing one record per BPF map,
 * program or link fd. Reading the iterator once replaces reading /proc/PID/fd
 * of every process.
 *
 * It is an iter/task program rather than iter/task_file because the kernel's
 * per-file iteration is what costs: on a host with 2,000 sleeping processes a
 * pass of an empty iter/task_file program takes ~4 ms, one of an empty
 * iter/task program ~0.4 ms. Here each process's table is read directly:
 * task->files->fdt, whose open_fds bitmap is walked a word at a time with
 * bpf_loop, and only its set bits are looked at. The program runs under
 * rcu_read_lock(), as every iterator program does, and fd tables are freed
 * after an RCU grace period (struct files are SLAB_TYPESAFE_BY_RCU), but a
 * process's files_struct is not, nor is the table locked: this reads what
 * /proc would read without file_lock, and a process that exits or closes
 * fds meanwhile can be missed or, at worst, show a fd it just closed, as a
 * racing /proc scan could. Every load is fault-safe, so nothing worse.
 *
 * Every read is a direct load, which the verifier makes fault-safe: the
 * bitmap and the fd array are not typed in BTF (pointers to scalars), so
 * they are cast with bpf_rdonly_cast(ptr, 0), which kernels have allowed
 * since 6.17; bpf_probe_read_kernel() would do on older ones, but costs
 * ~130 ns a call here, more than the per-file iteration it replaces. On an
 * older kernel this program does not load and the daemon loads
 * process_holders_task_file.bpf.c instead (see ProcessHolderIterator).
 *
 * How a BPF object's file is told apart, and the kernel types read, are in
 * process_holders.h, shared with process_holders_task_file.bpf.c.
 *
 * Limits, each of which makes the program write a KIND_INCOMPLETE record for
 * the process instead of leaving its holders out silently (the reader then
 * asks /proc, see ProcessHolderIterator):
 *  - MAX_WORDS: the bitmap is walked with bpf_loop (kernel 5.17+), whose
 *    limit is 1 << 23 iterations, so 1 << 23 words of 64 fds: 536,870,912
 *    fds, 512 times the kernel's default fs.nr_open (1,048,576).
 *  - MAX_RECORDS: the kernel buffers what the program writes for one task in
 *    one seq_file buffer of 8 pages (32 KiB) and fails the whole
 *    read with E2BIG when a single task's output does not fit, so a process
 *    gets at most MAX_RECORDS records (then the marker), 32 bytes each.
 */
#include "process_holders.h"

#define BITS_PER_WORD 64

/* bpf_loop's own limit (BPF_MAX_LOOPS): words of the open_fds bitmap. */
#define MAX_WORDS (1 << 23)
/* Records of one process, and its marker, well within the 32 KiB buffer. */
#define MAX_RECORDS 1000

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* Casts to untrusted, read-only memory whose loads the verifier makes fault-safe. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* One process's walk, shared by the bpf_loop callbacks. */
struct walk {
	struct seq_file *seq;
	struct task_struct *task;
	struct file **fds;
	unsigned long *open_fds;
	__u64 word;		/* the set bits of the current word not yet looked at */
	__u32 base;		/* the fd of the current word's bit 0 */
	__u32 max_fds;
	__u32 records;
	struct holder_record record;	/* tgid filled in once, comm at the first BPF fd */
};

/* The index of the lowest set bit of a word that has one. */
static __always_inline __u32 lowest_bit(__u64 word)
{
	__u32 bit = 0;

	word &= -word;
	if (!(word & 0xffffffffULL)) { bit += 32; word >>= 32; }
	if (!(word & 0xffffULL)) { bit += 16; word >>= 16; }
	if (!(word & 0xffULL)) { bit += 8; word >>= 8; }
	if (!(word & 0xfULL)) { bit += 4; word >>= 4; }
	if (!(word & 0x3ULL)) { bit += 2; word >>= 2; }
	if (!(word & 0x1ULL)) { bit += 1; }
	return bit;
}

static __always_inline void write_incomplete(struct walk *walk, __u32 fd)
{
	walk->record.fd = fd;
	walk->record.kind = KIND_INCOMPLETE;
	walk->record.id = 0;
	bpf_seq_write(walk->seq, &walk->record, sizeof(walk->record));
}

/* bpf_loop callback: the next set bit of the current word; 1 stops the word. */
static long visit_fd(__u32 index, void *context)
{
	struct walk *walk = context;
	struct file *file = NULL;
	__u32 fd;

	if (!walk->word)
		return 1;
	fd = walk->base + lowest_bit(walk->word);
	walk->word &= walk->word - 1;
	if (fd >= walk->max_fds)
		return 1;
	/* A bit set in open_fds with a NULL slot is an fd being installed. */
	file = ((struct file **)bpf_rdonly_cast(walk->fds, 0))[fd];
	if (!file)
		return 0;
	file = bpf_rdonly_cast(file, bpf_core_type_id_kernel(struct file));
	if (!identify_bpf_file(file, &walk->record))
		return 0;
	if (walk->records == 0)
		bpf_probe_read_kernel_str(walk->record.comm, sizeof(walk->record.comm), walk->task->comm);
	if (walk->records >= MAX_RECORDS) {
		write_incomplete(walk, fd);
		walk->word = 0;
		walk->max_fds = 0;	/* stops the walk of the words too */
		return 1;
	}
	walk->record.fd = fd;
	bpf_seq_write(walk->seq, &walk->record, sizeof(walk->record));
	walk->records++;
	return 0;
}

/* bpf_loop callback: word `index` of open_fds; 1 stops the walk. */
static long visit_word(__u32 index, void *context)
{
	struct walk *walk = context;
	__u64 word = 0;

	if (walk->max_fds == 0)
		return 1;
	word = ((__u64 *)bpf_rdonly_cast(walk->open_fds, 0))[index];
	if (!word)
		return 0;
	walk->word = word;
	walk->base = index * BITS_PER_WORD;
	bpf_loop(BITS_PER_WORD, visit_fd, walk, 0);
	return 0;
}

SEC("iter/task")
int bpfkeeper_pids(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct fdtable *fdt;
	struct walk walk;
	__u32 words;

	if (!task)
		return 0;
	/*
	 * /proc/PID/fd shows the fd table of the process's leader. Threads
	 * mostly share it; one that unshared its own is left out here, so
	 * that both ways of looking agree.
	 */
	if (task->pid != task->tgid)
		return 0;

	__builtin_memset(&walk, 0, sizeof(walk));
	/* None for an exiting process, whose /proc/PID/fd is empty. */
	if (!task->files)
		return 0;
	fdt = task->files->fdt;
	if (!fdt)
		return 0;
	walk.seq = ctx->meta->seq;
	walk.task = task;	/* the leader, whose comm /proc shows */
	walk.max_fds = fdt->max_fds;
	walk.fds = fdt->fd;
	walk.open_fds = fdt->open_fds;
	walk.record.tgid = task->tgid;

	words = walk.max_fds / BITS_PER_WORD + (walk.max_fds % BITS_PER_WORD != 0);
	if (words > MAX_WORDS) {
		/* No comm: the reader only takes the process's pid from it. */
		write_incomplete(&walk, MAX_WORDS * BITS_PER_WORD);
		return 0;
	}
	bpf_loop(words, visit_word, &walk, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
