//DEPS org.commonmark:commonmark:0.32.0
// (JBang reads this //DEPS from every script that includes the model's sources; keep it equal to
// the pom's version.)
package aplab.notebook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The corpus as a site to open in a browser: {@code index.html} (each notebook's title, the one
 * thing it teaches, its links) and one page per notebook with its prose rendered from Markdown
 * (commonmark-java), its code cells highlighted and its outputs under them. Pages are
 * self-contained (styles inline, no script, nothing fetched), so they open from the file system.
 */
public final class Site {
    private static final Parser MARKDOWN = Parser.builder().build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().escapeHtml(true).build();

    private static final Set<String> KEYWORDS = Set.of("abstract", "boolean", "break", "byte", "case", "catch",
            "char", "class", "continue", "default", "do", "double", "else", "enum", "extends", "false", "final",
            "finally", "float", "for", "if", "implements", "import", "instanceof", "int", "interface", "long", "new",
            "null", "package", "private", "protected", "public", "return", "short", "static", "super", "switch",
            "synchronized", "this", "throw", "throws", "true", "try", "var", "void", "volatile", "while");
    private static final Pattern TOKEN = Pattern.compile(
            "(?<com>//[^\\n]*)|(?<str>\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])')|(?<word>[A-Za-z_][A-Za-z0-9_]*)|(?<num>\\b\\d[\\d_]*\\b)");

    static final String STYLE = """
            body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1b1b1b}
            pre{overflow-x:auto;padding:.6rem .8rem;border-radius:4px;font-size:.85rem;line-height:1.3}
            pre.code{background:#f4f6f8;border-left:3px solid #7a8a99}
            pre.output{background:#fffdf4;border-left:3px solid #c9a227}
            .kw{color:#7b2d8b;font-weight:600}.str{color:#1a7f37}.com{color:#6a737d;font-style:italic}.num{color:#0550ae}
            .diff{background:#ffe8cc}
            code{background:#f0f0f0;padding:0 .2rem;border-radius:3px}
            table.index{border-collapse:collapse;width:100%}
            table.index td,table.index th{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}
            nav{font-size:.9rem;margin-bottom:1rem}
            """;

    private Site() {
    }

    /** Writes index.html and NAME.html for every entry into {@code dir}. */
    public static void write(Path dir, List<Corpus.Entry> entries) throws IOException {
        Files.createDirectories(dir);
        StringBuilder rows = new StringBuilder();
        for (Corpus.Entry e : entries) {
            Notebook.Result r = e.result();
            String name = r.source().name();
            Files.writeString(dir.resolve(name + ".html"), page(r), StandardCharsets.UTF_8);
            rows.append("<tr><td><a class=\"notebook\" href=\"").append(name).append(".html\">")
                    .append(esc(r.title())).append("</a></td><td>").append(inline(teaches(r)))
                    .append("</td><td><a href=\"../notebooks/").append(name).append(".ipynb\">.ipynb</a> · ")
                    .append("<a href=\"../../notebooks/").append(name).append(".java\">source</a></td></tr>\n");
        }
        String body = "<h1>aplab walkthrough corpus</h1>\n"
                + "<p>The v18 series \"s390/vfio-ap: dynamic configuration support\" one patch at a time, and the review "
                + "of patch 10, run on the aplab model of the vfio_ap driver. Each page shows the prose, the code of each "
                + "cell and what it printed.</p>\n"
                + "<table class=\"index\"><tr><th>notebook</th><th>what it shows</th><th>files</th></tr>\n" + rows + "</table>\n";
        Files.writeString(dir.resolve("index.html"), html("aplab walkthrough corpus", body), StandardCharsets.UTF_8);
    }

    /** One notebook's page. */
    static String page(Notebook.Result r) {
        StringBuilder b = new StringBuilder();
        String name = r.source().name();
        b.append("<nav><a href=\"index.html\">corpus index</a> · <a href=\"../notebooks/").append(name)
                .append(".ipynb\">").append(name).append(".ipynb</a> · <a href=\"../../notebooks/").append(name)
                .append(".java\">source</a></nav>\n");
        List<NotebookSource.Cell> cells = r.source().cells();
        for (int i = 0; i < cells.size(); i++) {
            NotebookSource.Cell c = cells.get(i);
            if (c.header()) {
                continue;
            }
            if (c.kind() == NotebookSource.Kind.MARKDOWN) {
                b.append(HTML.render(MARKDOWN.parse(c.text())));
                continue;
            }
            b.append("<pre class=\"code java\"><code>").append(highlight(c.text())).append("</code></pre>\n");
            String out = r.output(i);
            if (!out.isEmpty()) {
                b.append("<pre class=\"output\">").append(output(out)).append("</pre>\n");
            }
        }
        return html(r.title(), b.toString());
    }

    /** The one thing a notebook teaches: the first sentence of its first paragraph after the title. */
    static String teaches(Notebook.Result r) {
        for (NotebookSource.Cell c : r.source().body()) {
            if (c.kind() != NotebookSource.Kind.MARKDOWN) {
                continue;
            }
            for (String para : c.text().split("\n\\s*\n")) {
                String p = para.strip().replace('\n', ' ');
                if (p.isEmpty() || p.startsWith("#")) {
                    continue;
                }
                Matcher m = Pattern.compile("^(.+?[.:])(\\s|$)").matcher(p);
                return m.find() ? m.group(1) : p;
            }
        }
        return "";
    }

    /** Inline Markdown (code spans, emphasis) of one sentence, without the paragraph around it. */
    private static String inline(String md) {
        String h = HTML.render(MARKDOWN.parse(md)).strip();
        return h.startsWith("<p>") && h.endsWith("</p>") ? h.substring(3, h.length() - 4) : h;
    }

    private static String output(String out) {
        StringBuilder b = new StringBuilder();
        for (String l : NotebookRender.wrapLong(out).split("\n", -1)) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(l.startsWith("* ") ? "<span class=\"diff\">" + esc(l) + "</span>" : esc(l));
        }
        return b.toString();
    }

    /** Java source as HTML with keywords, strings, comments and numbers in spans. */
    static String highlight(String code) {
        StringBuilder b = new StringBuilder();
        Matcher m = TOKEN.matcher(code);
        int at = 0;
        while (m.find()) {
            b.append(esc(code.substring(at, m.start())));
            String t = m.group();
            String cls = m.group("com") != null ? "com" : m.group("str") != null ? "str"
                    : m.group("num") != null ? "num" : KEYWORDS.contains(t) ? "kw" : null;
            b.append(cls == null ? esc(t) : "<span class=\"" + cls + "\">" + esc(t) + "</span>");
            at = m.end();
        }
        b.append(esc(code.substring(at)));
        return b.toString();
    }

    private static String html(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<link rel=\"icon\" href=\"data:,\">\n<title>" + esc(title) + "</title>\n<style>" + STYLE + "</style></head>\n<body>\n"
                + body + "</body></html>\n";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
