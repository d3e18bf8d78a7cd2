package aplab.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every notebook read by Jupytext's rules for the percent format with the {@code //} comment: the
 * markers are at column 0 (Jupytext accepts an indented marker, but then the prose lines are
 * indented too and keep their {@code //}); every line of a Markdown cell is a comment at column 0,
 * so that no prose line keeps a {@code //}; the first cell (what precedes the first marker) is
 * short; and no code cell calls a helper or constant that no cell shows: the notebook class
 * declares nothing but {@code main} and {@code cells}, and every unqualified call or constant in a
 * code cell resolves to the notebook runtime ({@link Nb}) or the support class that the first cell
 * names in its {@code //SOURCES} and {@code extends}.
 */
class JupytextRulesTest {
    private static final Pattern CALL = Pattern.compile("(?<![.\\w])([a-z]\\w*)\\s*\\(");
    private static final Pattern CONSTANT = Pattern.compile("(?<![.\\w\"])([A-Z][A-Z0-9_]+)\\b");
    private static final Set<String> KEYWORDS = Set.of("if", "for", "while", "switch", "catch", "synchronized", "return", "super", "this", "try");

    @TestFactory
    Stream<DynamicTest> everyNotebookReadsAsAPercentNotebook() throws Exception {
        List<Path> files = Corpus.notebooks(NotebookCorpusTest.root());
        assertThat(files).hasSizeGreaterThan(10);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }

    static void check(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        NotebookSource src = NotebookSource.read(file);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).as("%s:%d: a cell marker must be at column 0", file.getFileName(), i + 1)
                    .doesNotMatch("^\\s+//\\s*%%.*");
        }
        // every line of a Markdown cell is a column-0 comment, so Jupytext strips its prefix
        NotebookSource.Kind kind = null;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            NotebookSource.Kind k = NotebookSource.marker(l);
            if (k != null) {
                kind = k;
            } else if (kind == NotebookSource.Kind.MARKDOWN && !l.isBlank()) {
                assertThat(l).as("%s:%d: a prose line Jupytext would keep as code text", file.getFileName(), i + 1)
                        .startsWith("//");
            }
        }
        for (NotebookSource.Cell c : src.cells()) {
            if (c.kind() == NotebookSource.Kind.MARKDOWN) {
                assertThat(c.text()).as("%s: prose cell at line %d keeps a //", file.getFileName(), c.firstLine())
                        .doesNotContainPattern("(?m)^\\s*//");
            }
        }
        NotebookSource.Cell header = src.cells().get(0);
        assertThat(header.header()).as("%s: the first cell is the header", file.getFileName()).isTrue();
        assertThat(header.text().lines().count()).as("%s: the first cell is short", file.getFileName()).isLessThanOrEqualTo(13);
        assertThat(src.body().get(0).kind()).as("%s: the first cell after the header is its title", file.getFileName())
                .isEqualTo(NotebookSource.Kind.MARKDOWN);
        assertThat(src.closing()).as("%s: only the braces closing the header's class end the file", file.getFileName())
                .isEqualTo("}}");
        checkDefinitions(file, src, header.text());
    }

    /** Unqualified calls and constants of the code cells resolve where a reader can see them. */
    static void checkDefinitions(Path file, NotebookSource src, String header) throws Exception {
        String name = src.name();
        Class<?> cls = Class.forName(name);
        for (Field fd : cls.getDeclaredFields()) {
            assertThat(fd.isSynthetic()).as("%s declares field %s outside the cells", name, fd.getName()).isTrue();
        }
        for (Method m : cls.getDeclaredMethods()) {
            assertThat(m.getName().equals("main") || m.getName().equals("cells") || m.isSynthetic())
                    .as("%s declares method %s outside the cells", name, m.getName()).isTrue();
        }
        List<Class<?>> visible = new ArrayList<>(List.of(Nb.class));
        Class<?> sup = cls.getSuperclass();
        if (sup != Object.class) {
            assertThat(header).as("%s: the header names its support class", name)
                    .contains("//SOURCES support/" + sup.getSimpleName() + ".java")
                    .contains("extends " + sup.getSimpleName());
            assertThat(file.resolveSibling("support").resolve(sup.getSimpleName() + ".java")).exists();
            visible.add(sup);
        }
        Set<String> methods = new HashSet<>();
        Set<String> fields = new HashSet<>();
        for (Class<?> v : visible) {
            for (Class<?> c = v; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Method m : c.getDeclaredMethods()) {
                    if (Modifier.isStatic(m.getModifiers())) {
                        methods.add(m.getName());
                    }
                }
                for (Class<?> nested : c.getDeclaredClasses()) {
                    fields.add(nested.getSimpleName());
                }
                for (Field fd : c.getDeclaredFields()) {
                    if (Modifier.isStatic(fd.getModifiers())) {
                        fields.add(fd.getName());
                    }
                }
            }
        }
        for (NotebookSource.Cell c : src.body()) {
            if (c.kind() != NotebookSource.Kind.CODE) {
                continue;
            }
            String code = c.text().replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("//.*", "");
            Matcher m = CALL.matcher(code);
            while (m.find()) {
                String id = m.group(1);
                if (!KEYWORDS.contains(id)) {
                    assertThat(methods).as("%s, cell at line %d calls %s(), defined in no cell, runtime or support class",
                            name, c.firstLine(), id).contains(id);
                }
            }
            Matcher k = CONSTANT.matcher(code);
            while (k.find()) {
                String id = k.group(1);
                assertThat(fields).as("%s, cell at line %d uses %s, defined in no cell, runtime or support class",
                        name, c.firstLine(), id).contains(id);
            }
        }
    }

    @Test
    void theReaderFollowsJupytextsRules() {
        NotebookSource s = NotebookSource.parse("X", String.join("\n",
                "//JAVA 17+", "class X { static void cells() {", "", "// %% [markdown]", "// # Title", "//", "// text",
                "    // %% [markdown]", "    // indented prose", "// %%", "int a = 1;", "// %% [md]", "// more", "// %%", "a++;", "}}", ""));
        assertThat(s.cells()).extracting(NotebookSource.Cell::kind).containsExactly(NotebookSource.Kind.CODE,
                NotebookSource.Kind.MARKDOWN, NotebookSource.Kind.CODE, NotebookSource.Kind.MARKDOWN, NotebookSource.Kind.CODE);
        assertThat(s.cells().get(0).header()).isTrue();
        // the indented marker is no marker: it and the indented prose stay in the Markdown cell, prefix kept
        assertThat(s.cells().get(1).text()).isEqualTo("# Title\n\ntext\n    // %% [markdown]\n    // indented prose");
        assertThat(s.cells().get(4).text()).isEqualTo("a++;");
        assertThat(s.closing()).isEqualTo("}}");
    }
}
