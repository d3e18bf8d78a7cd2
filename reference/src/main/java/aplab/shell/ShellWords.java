package aplab.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words as bash does for the small language transcripts use: blanks
 * separate words, {@code '...'} is literal, {@code "..."} keeps blanks and honours {@code \"},
 * {@code \\}, {@code \$}, and a backslash outside quotes escapes the next character. A redirection
 * {@code >} or {@code >>} (alone or glued to the path) becomes its own token; the control
 * operators {@code | ; & < ( ) `} and {@code $(} are reported as unsupported.
 */
public final class ShellWords {
    /** The words, the redirection target (or null) and an unsupported operator (or null). */
    public record Parsed(List<String> words, String redirect, String unsupported) {
    }

    private ShellWords() {
    }

    public static Parsed parse(String line) {
        List<String> words = new ArrayList<>();
        String redirect = null;
        boolean expectTarget = false;
        StringBuilder cur = null;
        int i = 0;
        int n = line.length();
        while (i <= n) {
            char c = i < n ? line.charAt(i) : ' ';
            if (i == n || c == ' ' || c == '\t') {
                if (cur != null) {
                    if (expectTarget) {
                        if (redirect != null) {
                            return new Parsed(words, redirect, ">");
                        }
                        redirect = cur.toString();
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
                if (cur != null) {
                    // "5>" would be a file-descriptor redirection in bash; "a>b" splits
                    String w = cur.toString();
                    if (w.chars().allMatch(Character::isDigit)) {
                        return new Parsed(words, redirect, w + ">");
                    }
                    if (expectTarget) {
                        return new Parsed(words, redirect, ">");
                    }
                    words.add(w);
                    cur = null;
                }
                if (expectTarget) {
                    return new Parsed(words, redirect, ">");
                }
                expectTarget = true;
                i++;
                if (i < n && line.charAt(i) == '>') {
                    i++;
                }
                continue;
            }
            if ("|;&<()`".indexOf(c) >= 0) {
                return new Parsed(words, redirect, String.valueOf(c));
            }
            if (c == '$' && i + 1 < n && (line.charAt(i + 1) == '(' || line.charAt(i + 1) == '{'
                    || Character.isLetter(line.charAt(i + 1)) || line.charAt(i + 1) == '_')) {
                return new Parsed(words, redirect, "$" + line.charAt(i + 1));
            }
            if (cur == null) {
                cur = new StringBuilder();
            }
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    return new Parsed(words, redirect, "unterminated '");
                }
                cur.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n && line.charAt(j) != '"') {
                    char d = line.charAt(j);
                    if (d == '\\' && j + 1 < n && "\"\\$`".indexOf(line.charAt(j + 1)) >= 0) {
                        cur.append(line.charAt(j + 1));
                        j += 2;
                    } else if (d == '$' || d == '`') {
                        return new Parsed(words, redirect, String.valueOf(d));
                    } else {
                        cur.append(d);
                        j++;
                    }
                }
                if (j >= n) {
                    return new Parsed(words, redirect, "unterminated \"");
                }
                i = j + 1;
            } else if (c == '\\') {
                if (i + 1 < n) {
                    cur.append(line.charAt(i + 1));
                }
                i += 2;
            } else {
                cur.append(c);
                i++;
            }
        }
        if (expectTarget) {
            return new Parsed(words, redirect, "newline");
        }
        return new Parsed(words, redirect, null);
    }
}
