package aplab.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words as bash does for the small language transcripts use: blanks
 * separate words, {@code '...'} is literal, {@code "..."} keeps blanks and honours {@code \"},
 * {@code \\}, {@code \$}, and a backslash outside quotes escapes the next character.
 *
 * <p>Redirections of standard output ({@code >}, {@code >>}, {@code 1>}, {@code 1>>}) and of
 * standard error ({@code 2>}, {@code 2>>}, {@code 2>&1}), alone or glued to their target, are
 * collected in the order written (bash applies them left to right). A descriptor counts only when
 * its unquoted digits stand right before {@code >} at the start of a word, as in bash ({@code a2>x}
 * is the word {@code a2} and a redirection of standard output). Other descriptors, other
 * {@code >&} forms, a second redirection of one descriptor and the control operators
 * {@code | ; & < ( ) `} and {@code $(} are reported as unsupported.
 */
public final class ShellWords {
    /**
     * The words, the redirections in the order written, and an unsupported operator (or null).
     */
    public record Parsed(List<String> words, List<Redirect> redirects, String unsupported) {
        public Parsed {
            words = List.copyOf(words);
            redirects = List.copyOf(redirects);
        }

        /** The file standard output goes to, or null. */
        public String redirect() {
            for (Redirect r : redirects) {
                if (r.fd() == 1) {
                    return r.target();
                }
            }
            return null;
        }
    }

    /**
     * One redirection: descriptor {@code fd} (1 or 2) to the file {@code target} ({@code >>}:
     * {@code append}), or, with a null target, to a copy of descriptor 1 ({@code 2>&1}).
     */
    public record Redirect(int fd, String target, boolean append) {
        public boolean dup() {
            return target == null;
        }

        @Override
        public String toString() {
            String op = (fd == 1 ? "" : String.valueOf(fd)) + (append ? ">>" : ">");
            return dup() ? op + "&1" : op + " " + target;
        }
    }

    private ShellWords() {
    }

    public static Parsed parse(String line) {
        List<String> words = new ArrayList<>();
        List<Redirect> redirects = new ArrayList<>();
        boolean expectTarget = false;
        int targetFd = 1;
        boolean append = false;
        StringBuilder cur = null;
        // whether cur so far is digits typed without quotes or escapes (a possible descriptor)
        boolean curPlainDigits = false;
        int i = 0;
        int n = line.length();
        while (i <= n) {
            char c = i < n ? line.charAt(i) : ' ';
            if (i == n || c == ' ' || c == '\t') {
                if (cur != null) {
                    if (expectTarget) {
                        int fd = targetFd;
                        if (redirects.stream().anyMatch(r -> r.fd() == fd)) {
                            return new Parsed(words, redirects, "a second redirection of " + (fd == 1 ? "standard output"
                                    : "standard error"));
                        }
                        redirects.add(new Redirect(fd, cur.toString(), append));
                        expectTarget = false;
                    } else {
                        words.add(cur.toString());
                    }
                    cur = null;
                }
                i++;
                continue;
            }
            if (c == '>') {
                if (expectTarget && cur == null) {
                    return new Parsed(words, redirects, ">");
                }
                int fd = 1;
                if (cur != null) {
                    String w = cur.toString();
                    if (expectTarget) {
                        return new Parsed(words, redirects, ">");
                    }
                    if (curPlainDigits) {
                        if (!w.equals("1") && !w.equals("2")) {
                            return new Parsed(words, redirects, w + ">");
                        }
                        fd = Integer.parseInt(w);
                    } else {
                        words.add(w);
                    }
                    cur = null;
                }
                i++;
                append = i < n && line.charAt(i) == '>';
                if (append) {
                    i++;
                }
                String op = (fd == 1 ? "" : String.valueOf(fd)) + (append ? ">>" : ">");
                if (i < n && line.charAt(i) == '&') {
                    // N>&M: only 2>&1 (standard error to where standard output goes at this point)
                    boolean ends = i + 2 >= n || line.charAt(i + 2) == ' ' || line.charAt(i + 2) == '\t';
                    if (fd == 2 && !append && i + 1 < n && line.charAt(i + 1) == '1' && ends) {
                        if (redirects.stream().anyMatch(r -> r.fd() == 2)) {
                            return new Parsed(words, redirects, "a second redirection of standard error");
                        }
                        redirects.add(new Redirect(2, null, false));
                        i += 2;
                        continue;
                    }
                    return new Parsed(words, redirects, op + "&");
                }
                targetFd = fd;
                expectTarget = true;
                continue;
            }
            if ("|;&<()`".indexOf(c) >= 0) {
                return new Parsed(words, redirects, String.valueOf(c));
            }
            if (c == '$' && i + 1 < n && (line.charAt(i + 1) == '(' || line.charAt(i + 1) == '{'
                    || Character.isLetter(line.charAt(i + 1)) || line.charAt(i + 1) == '_')) {
                return new Parsed(words, redirects, "$" + line.charAt(i + 1));
            }
            if (cur == null) {
                cur = new StringBuilder();
                curPlainDigits = !expectTarget;
            }
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    return new Parsed(words, redirects, "unterminated '");
                }
                cur.append(line, i + 1, end);
                curPlainDigits = false;
                i = end + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n && line.charAt(j) != '"') {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) {
                        cur.append(line.charAt(j + 1));
                        j += 2;
                    } else if (d == '$' || d == '`') {
                        return new Parsed(words, redirects, String.valueOf(d));
                    } else {
                        cur.append(d);
                        j++;
                    }
                }
                if (j >= n) {
                    return new Parsed(words, redirects, "unterminated \"");
                }
                curPlainDigits = false;
                i = j + 1;
            } else if (c == '\\') {
                if (i + 1 < n) {
                    cur.append(line.charAt(i + 1));
                }
                curPlainDigits = false;
                i += 2;
            } else {
                cur.append(c);
                curPlainDigits &= Character.isDigit(c);
                i++;
            }
        }
        if (expectTarget) {
            return new Parsed(words, redirects, "newline");
        }
        return new Parsed(words, redirects, null);
    }
}
