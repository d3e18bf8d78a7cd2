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

/* --check FILE.md...: run each transcript on a fresh host and compare (trailing blanks dropped) */
static char *captured;
static size_t ncaptured, capcaptured;
static int check_files(int n, char **files)
{
	int f, passed = 0, failed = 0, unrunnable = 0;
	for (f = 0; f < n; f++) {
		FILE *in = fopen(files[f], "r");
		char *line = NULL, **expected = NULL;
		size_t cap = 0;
		ssize_t len;
		int lineno = 0, nexp = 0, capexp = 0, cmdline = 0, bad = 0, skipped = 0;
		bool block = false;
		char cmd[8192] = "";
		if (!in) {
			fprintf(stdout, "%s: %s\n", files[f], strerror(errno));
			return 2;
		}
		oracle_reset();
		/* one command at a time: run it when its expected output is complete */
		for (;;) {
			len = getline(&line, &cap, in);
			if (len >= 0) {
				lineno++;
				while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
					line[--len] = '\0';
			}
			if (block && (len < 0 || !strncmp(line, "$ ", 2) || !strncmp(line, "```", 3)) && cmdline) {
				char *out;
				int i;
				fflush(stdout);
				ncaptured = 0;
				oracle_capture(&captured, &ncaptured, &capcaptured);
				shell_execute(cmd);
				oracle_capture(NULL, NULL, NULL);
				out = captured ? captured : (char *)"";
				if (captured)
					captured[ncaptured] = '\0';
				if (skipped) {
					/* the state is no longer the transcript's: not compared from here on */
				} else if (!strncmp(out, "aplab-oracle: not supported", 27)) {
					if (!skipped)
						printf("%s:%d: not runnable on the oracle: $ %s\n", files[f], cmdline, cmd);
					skipped = 1;
				} else {
					size_t off = 0;
					int k = 0;
					while (off < ncaptured || k < nexp) {
						char got[8192] = "";
						size_t e = off;
						bool have = off < ncaptured;
						if (have) {
							while (e < ncaptured && out[e] != '\n')
								e++;
							snprintf(got, sizeof(got), "%.*s", (int)(e - off), out + off);
							off = e + 1;
						}
						{
							size_t gl = strlen(got);
							while (gl && (got[gl - 1] == ' ' || got[gl - 1] == '\t'))
								got[--gl] = '\0';
						}
						if (!have || k >= nexp || strcmp(got, expected[k])) {
							if (!bad)
								printf("%s:%d: $ %s\n  expected: %s\n  got:      %s\n", files[f], cmdline, cmd,
								       k < nexp ? expected[k] : "(nothing)", have ? got : "(nothing)");
							bad = 1;
							break;
						}
						k++;
					}
				}
				for (i = 0; i < nexp; i++)
					free(expected[i]);
				nexp = 0;
				cmdline = 0;
			}
			if (len < 0)
				break;
			if (!block) {
				if (!strncmp(line, "```console", 10))
					block = true;
				continue;
			}
			if (!strncmp(line, "```", 3)) {
				block = false;
			} else if (!strncmp(line, "$ ", 2)) {
				snprintf(cmd, sizeof(cmd), "%s", line + 2);
				cmdline = lineno;
			} else if (line[0] == '#') {
				continue;
			} else if (cmdline) {
				size_t l = strlen(line);
				while (l && (line[l - 1] == ' ' || line[l - 1] == '\t'))
					line[--l] = '\0';
				if (nexp == capexp) {
					capexp = capexp ? 2 * capexp : 16;
					expected = realloc(expected, capexp * sizeof(char *));
				}
				expected[nexp++] = strdup(line);
			}
		}
		free(line);
		free(expected);
		fclose(in);
		if (bad && !skipped)
			failed++;
		else if (skipped)
			unrunnable++;
		else
			passed++;
	}
	printf("%d passed, %d failed, %d not runnable\n", passed, failed, unrunnable);
	return failed ? 1 : 0;
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
	if (argc > 2 && !strcmp(argv[1], "--check")) {
		int rc = check_files(argc - 2, argv + 2);
		at_exit();
		return rc;
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
		else if (!strncmp(line, "@@inject@@ ", 11)) {
			if (apbus_inject(line + 11))
				out_line("aplab-oracle: bad injection: %s (want: zapq|tapq|aqic XX.YYYY RC, RC in hex)", line + 11);
		}
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
