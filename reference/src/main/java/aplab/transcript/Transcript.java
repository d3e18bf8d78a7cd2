package aplab.transcript;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A transcript (the format of shared/spec/transcript.md): Markdown prose copied through, and
 * {@code console} fenced blocks whose {@code $ } lines are commands and whose following lines are
 * their expected output. Parsed into items that render back to the same text.
 */
public final class Transcript {
    /** A line copied through unchanged (prose, fences, comments, other code blocks). */
    public record Text(String line) implements Item {
    }

    /** A command ({@code $ } stripped), its line number and the output the file expects. */
    public record Command(String command, int lineNumber, List<String> expected) implements Item {
    }

    /** One element of a transcript. */
    public sealed interface Item permits Text, Command {
    }

    private final String name;
    private final List<Item> items;
    private final boolean finalNewline;

    private Transcript(String name, List<Item> items, boolean finalNewline) {
        this.name = name;
        this.items = List.copyOf(items);
        this.finalNewline = finalNewline;
    }

    public String name() {
        return name;
    }

    public List<Item> items() {
        return items;
    }

    public List<Command> commands() {
        List<Command> out = new ArrayList<>();
        for (Item i : items) {
            if (i instanceof Command c) {
                out.add(c);
            }
        }
        return out;
    }

    /** Reads and parses a file; every problem is a one-line {@link TranscriptException}. */
    public static Transcript read(Path file) throws TranscriptException {
        String name = file.toString();
        String text = TextFile.read(file, (f, why) -> new TranscriptException(f, 0, why));
        return parse(name, text);
    }

    /** Parses transcript text. */
    public static Transcript parse(String name, String text) throws TranscriptException {
        if (text.indexOf('\0') >= 0) {
            int line = 1 + (int) text.substring(0, text.indexOf('\0')).chars().filter(c -> c == '\n').count();
            throw new TranscriptException(name, line, "binary data (NUL byte) in a transcript");
        }
        boolean finalNewline = text.endsWith("\n");
        String body = finalNewline ? text.substring(0, text.length() - 1) : text;
        String[] lines = body.isEmpty() && !finalNewline ? new String[0] : body.split("\n", -1);
        List<Item> items = new ArrayList<>();
        String fence = null;
        boolean console = false;
        int fenceLine = 0;
        Command open = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            int no = i + 1;
            if (fence == null) {
                String f = fenceOf(line);
                if (f != null) {
                    fence = f;
                    fenceLine = no;
                    String info = line.trim().substring(f.length()).trim();
                    console = info.equals("console") || info.startsWith("console ");
                }
                items.add(new Text(line));
                continue;
            }
            if (isClosing(line, fence)) {
                fence = null;
                console = false;
                open = null;
                items.add(new Text(line));
                continue;
            }
            if (!console) {
                items.add(new Text(line));
                continue;
            }
            if (line.startsWith("$")) {
                if (!line.startsWith("$ ") || line.substring(2).isBlank()) {
                    throw new TranscriptException(name, no, "a '$' line needs a command after '$ '");
                }
                open = new Command(line.substring(2), no, new ArrayList<>());
                items.add(open);
            } else if (line.startsWith("#")) {
                open = null;
                items.add(new Text(line));
            } else if (open != null) {
                open.expected().add(line);
            } else if (line.isEmpty()) {
                items.add(new Text(line));
            } else {
                throw new TranscriptException(name, no, "output line before any command in a console block");
            }
        }
        if (fence != null) {
            throw new TranscriptException(name, fenceLine, "code block opened here is never closed");
        }
        List<Item> frozen = new ArrayList<>();
        for (Item it : items) {
            frozen.add(it instanceof Command c ? new Command(c.command(), c.lineNumber(), List.copyOf(c.expected())) : it);
        }
        return new Transcript(name, frozen, finalNewline);
    }

    private static String fenceOf(String line) {
        String t = line.stripLeading();
        if (line.length() - t.length() > 3) {
            return null;
        }
        for (char c : new char[] {'`', '~'}) {
            int n = 0;
            while (n < t.length() && t.charAt(n) == c) {
                n++;
            }
            if (n >= 3) {
                return t.substring(0, n);
            }
        }
        return null;
    }

    private static boolean isClosing(String line, String fence) {
        String t = line.strip();
        if (t.length() < fence.length() || t.charAt(0) != fence.charAt(0)) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) != fence.charAt(0)) {
                return false;
            }
        }
        return true;
    }

    /** The text with each command's output replaced by {@code outputs} (one list per command). */
    public String render(List<List<String>> outputs) {
        StringBuilder b = new StringBuilder();
        int k = 0;
        boolean first = true;
        for (Item it : items) {
            if (it instanceof Text t) {
                first = appendLine(b, t.line(), first);
            } else if (it instanceof Command c) {
                first = appendLine(b, "$ " + c.command(), first);
                for (String o : outputs.get(k)) {
                    first = appendLine(b, o, first);
                }
                k++;
            }
        }
        if (finalNewline) {
            b.append('\n');
        }
        return b.toString();
    }

    /** The text as read (each command with its expected output). */
    public String expectedText() {
        List<List<String>> expected = new ArrayList<>();
        for (Command c : commands()) {
            expected.add(c.expected());
        }
        return render(expected);
    }

    private static boolean appendLine(StringBuilder b, String line, boolean first) {
        if (!first) {
            b.append('\n');
        }
        b.append(line);
        return false;
    }
}
