// SPDX-License-Identifier: GPL-2.0
/*
 * aplab kernel oracle: the process behind tools/kernel-oracle (protocol in
 * /work/coord/ORACLE-PROTOCOL.md, copied to oracle/PROTOCOL.md): one command a line on stdin,
 * its output on stdout, then "@@end@@". Special lines: @@reset@@, @@resets@@, @@quit@@.
 */
#include "oracle.h"

void shell_execute(const char *line);
void oracle_reset(void);

static void end(void)
{
	fputs("@@end@@\n", stdout);
	fflush(stdout);
}
static void emit(const char *line) { out_line("%s", line); }
static void at_exit(void)
{
	const char *path = getenv("APLAB_ORACLE_LOCKGRAPH");
	if (path && *path)
		lockdep_write_file(path);
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	if (argc > 1 && !strcmp(argv[1], "--version")) {
		printf("aplab-oracle %s (vfio_ap from %s)\n", ORACLE_KERNEL_NAME, ORACLE_PACKAGE);
		return 0;
	}
	oracle_reset();
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!strcmp(line, "@@quit@@"))
			break;
		if (!strcmp(line, "@@reset@@"))
			oracle_reset();
		else if (!strcmp(line, "@@resets@@"))
			apbus_resets(emit);
		else
			shell_execute(line);
		end();
	}
	free(line);
	at_exit();
	return 0;
}

/*
 * The sanitizers report and go on (the harness is built with -fsanitize-recover): one report per
 * place in the code, the run continues so that every finding of a transcript is seen. Leak
 * checking stays on (reported at exit).
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "halt_on_error=0:suppress_equal_pcs=1"; }
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void) { return "halt_on_error=0:print_stacktrace=1"; }
