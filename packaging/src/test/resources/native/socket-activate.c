/*
 * Starts a program as systemd's socket activation and fd store do: with
 * chosen fds of another process (the test's JVM) as fds 3, 4, ..., named in
 * LISTEN_FDNAMES, and LISTEN_FDS and LISTEN_PID set. The JVM cannot pass
 * arbitrary fds to a child, so this helper takes copies with pidfd_getfd(2).
 *
 *   socket-activate PID FD:NAME... -- PROGRAM [ARG...]
 *
 * The program replaces this helper (exec), so LISTEN_PID is its pid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Above every fd number the program receives, so that moving fds into place
 * never overwrites one still to be moved. */
#define PARKING 1000

static void fail(const char *what)
{
	fprintf(stderr, "socket-activate: %s: %s\n", what, strerror(errno));
	exit(127);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: socket-activate PID FD:NAME... -- PROGRAM [ARG...]\n");
		return 2;
	}
	int pidfd = syscall(SYS_pidfd_open, atoi(argv[1]), 0);
	if (pidfd < 0)
		fail("pidfd_open");

	int count = 0;
	int parked[argc];
	size_t names_size = 1;
	char *names = calloc(1, 1);
	int arg = 2;
	for (; arg < argc && strcmp(argv[arg], "--") != 0; arg++, count++) {
		char *colon = strchr(argv[arg], ':');
		if (colon == NULL) {
			fprintf(stderr, "socket-activate: '%s' is not FD:NAME\n", argv[arg]);
			return 2;
		}
		int copy = syscall(SYS_pidfd_getfd, pidfd, atoi(argv[arg]), 0);
		if (copy < 0)
			fail("pidfd_getfd");
		parked[count] = fcntl(copy, F_DUPFD_CLOEXEC, PARKING);
		if (parked[count] < 0)
			fail("fcntl(F_DUPFD_CLOEXEC)");
		close(copy);
		names_size += strlen(colon + 1) + 1;
		names = realloc(names, names_size);
		if (count > 0)
			strcat(names, ":");
		strcat(names, colon + 1);
	}
	if (arg + 1 >= argc) {
		fprintf(stderr, "socket-activate: no program after --\n");
		return 2;
	}
	close(pidfd);
	for (int i = 0; i < count; i++) {
		/* dup2 leaves the new fd inheritable, as systemd does. */
		if (dup2(parked[i], 3 + i) < 0)
			fail("dup2");
		close(parked[i]);
	}

	char number[32];
	snprintf(number, sizeof(number), "%d", count);
	setenv("LISTEN_FDS", number, 1);
	setenv("LISTEN_FDNAMES", names, 1);
	snprintf(number, sizeof(number), "%d", (int)getpid());
	setenv("LISTEN_PID", number, 1);
	execv(argv[arg + 1], &argv[arg + 1]);
	fail(argv[arg + 1]);
}
