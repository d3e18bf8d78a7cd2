//DEPS ../../reference/jbang/AplabCli.java
// The reference model for every notebook: each notebook's header pulls in this file, and this
// file makes the aplab CLI's JBang script (which compiles reference/src/main/java) a dependency.
// JBang builds that jar once and every notebook, the corpus (corpus@.) and the CLI (aplab@.) run
// on it (a notebook's alias runs it from the corpus script's jar, which holds every notebook).
// The dependency sits here, in one file, because JBang refuses a script that reaches the same
// dependency script through two of its sources ("Self-referencing project dependency"), as the
// corpus would through its 19 notebooks.
