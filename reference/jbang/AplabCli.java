///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1
//SOURCES ../src/main/java/**.java

/** The JBang entry of the aplab CLI ({@code tools/jbang aplab@. ...}): the model compiled from source. */
public class AplabCli {
    public static void main(String[] args) {
        aplab.cli.Aplab.main(args);
    }
}
