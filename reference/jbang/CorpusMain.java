///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1
//SOURCES ../../notebooks/*.java
//SOURCES ../../notebooks/support/*.java

/**
 * The main job ({@code tools/jbang corpus@.}, also {@code render@.}): every notebook run in this
 * JVM, rendered to out/notebooks/ as Markdown and .ipynb, with a verdict against its golden.
 */
public class CorpusMain {
    public static void main(String[] args) throws Exception {
        aplab.notebook.Corpus.main(args);
    }
}
