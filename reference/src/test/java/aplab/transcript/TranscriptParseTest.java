package aplab.transcript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TranscriptParseTest {
    private static final String SAMPLE = String.join("\n",
            "# Title",
            "",
            "Prose with `$ not a command`.",
            "",
            "```console",
            "# a comment",
            "$ echo hello",
            "hello",
            "$ echo -n",
            "```",
            "",
            "```sh",
            "$ echo not run",
            "```",
            "");

    @Test
    void commandsAndExpectedOutputsAreSeparated() throws TranscriptException {
        Transcript t = Transcript.parse("t.md", SAMPLE);
        assertThat(t.commands()).extracting(Transcript.Command::command).containsExactly("echo hello", "echo -n");
        assertThat(t.commands().get(0).expected()).containsExactly("hello");
        assertThat(t.commands().get(0).lineNumber()).isEqualTo(7);
        assertThat(t.commands().get(1).expected()).isEmpty();
    }

    @Test
    void rendersBackToTheSameText() throws TranscriptException {
        Transcript t = Transcript.parse("t.md", SAMPLE);
        assertThat(t.expectedText()).isEqualTo(SAMPLE);
    }

    @Test
    void runFillsInActualOutputAndDiffsTheRest() throws TranscriptException {
        String text = "```console\n$ echo hi\nwrong\n$ echo there\nthere\n```\n";
        TranscriptRunner.Result r = TranscriptRunner.run(Transcript.parse("x.md", text));
        assertThat(r.passed()).isFalse();
        assertThat(r.actual()).isEqualTo("```console\n$ echo hi\nhi\n$ echo there\nthere\n```\n");
        assertThat(r.diff()).contains("-wrong", "+hi");
        assertThat(r.diff().get(0)).startsWith("--- x.md");
    }

    @Test
    void eachFileStartsFromAnEmptyHost() throws TranscriptException {
        String text = "```console\n$ ls /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/devices\n```\n";
        assertThat(TranscriptRunner.run(Transcript.parse("a.md", text)).passed()).isTrue();
    }

    @Test
    void unterminatedBlockNamesTheOpeningLine() {
        assertThatThrownBy(() -> Transcript.parse("u.md", "text\n```console\n$ echo a\na\n"))
                .isInstanceOf(TranscriptException.class)
                .satisfies(e -> assertThat(((TranscriptException) e).oneLine()).isEqualTo("u.md:2: code block opened here is never closed"));
    }

    @Test
    void dollarWithoutCommandIsAnError() {
        assertThatThrownBy(() -> Transcript.parse("d.md", "```console\n$\n```\n"))
                .satisfies(e -> assertThat(((TranscriptException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> Transcript.parse("d.md", "```console\n$cat x\n```\n"))
                .isInstanceOf(TranscriptException.class);
    }

    @Test
    void outputBeforeAnyCommandIsAnError() {
        assertThatThrownBy(() -> Transcript.parse("o.md", "```console\ngarbage\n$ echo\n```\n"))
                .satisfies(e -> assertThat(((TranscriptException) e).oneLine()).startsWith("o.md:2: "));
    }

    @Test
    void binaryDataIsAnError() {
        assertThatThrownBy(() -> Transcript.parse("b.md", "ok\n\0\n")).isInstanceOf(TranscriptException.class);
    }

    @Test
    void unknownCommandsAreReportedAndTheRunGoesOn() throws TranscriptException {
        String text = "```console\n$ frobnicate --now\naplab: unknown command: frobnicate\n$ echo after\nafter\n```\n";
        TranscriptRunner.Result r = TranscriptRunner.run(Transcript.parse("u.md", text));
        assertThat(r.passed()).as(String.join("\n", r.diff())).isTrue();
        assertThat(List.of(r.actual().split("\n"))).contains("after");
    }
}
