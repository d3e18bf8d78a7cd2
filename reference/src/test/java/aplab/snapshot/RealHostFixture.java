package aplab.snapshot;

import aplab.cli.Aplab;
import aplab.shell.Session;
import aplab.shell.ShellWords;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Shared by the real-host tests: modelled hosts in realistic states, their sysfs written as a
 * fake tree, and the shell tools run on it.
 */
public final class RealHostFixture {
    public static final String U1 = "11111111-1111-1111-1111-111111111111";
    public static final String U2 = "22222222-2222-2222-2222-222222222222";
    public static final String U3 = "33333333-3333-3333-3333-333333333333";

    private RealHostFixture() {
    }

    /** The repository root (tools/, golden/). */
    public static Path root() {
        return Path.of(System.getProperty("aplab.root", "..")).toAbsolutePath().normalize();
    }

    /** A session after the commands (each must print nothing). */
    public static Session session(String... commands) {
        Session s = new Session();
        for (String c : commands) {
            List<String> out = s.execute(c);
            if (!out.isEmpty()) {
                throw new AssertionError("'" + c + "' printed " + out);
            }
        }
        return s;
    }

    /**
     * An LPAR as an admin leaves it: three CEX8 cards (05 CCA, 06 CCA, 07 EP11), four usage domains,
     * adapters 05/06 and domains 0x47/0xab for vfio_ap, two mdevs, one guest running, queue 06.00ab
     * unbound, card 07 configured off (and the bus scanned since).
     */
    public static String[] busyHost() {
        return new String[] {
            "aplab host --adapters 5,6 --domains 4,0x47,0xab,0xff --control-domains 4,0x47,0xab,0xff --type CEX8C",
            "aplab host --adapters 5,6,7 --domains 4,0x47,0xab,0xff --control-domains 4,0x47,0xab,0xff --type CEX8P",
            "echo -5,-6 > /sys/bus/ap/apmask",
            "echo -0x47,-0xab > /sys/bus/ap/aqmask",
            "echo 0 > /sys/bus/ap/devices/card07/config",
            "echo 1 > /sys/bus/ap/scans", // the periodic scan has run since: 07's queues show config 0
            "cd /sys/devices/vfio_ap/matrix",
            "echo " + U1 + " > mdev_supported_types/vfio_ap-passthrough/create",
            "echo " + U2 + " > mdev_supported_types/vfio_ap-passthrough/create",
            "echo 5 > " + U1 + "/assign_adapter",
            "echo 6 > " + U1 + "/assign_adapter",
            "echo 0x47 > " + U1 + "/assign_domain",
            "echo 0xab > " + U1 + "/assign_domain",
            "echo 0x47 > " + U1 + "/assign_control_domain",
            "echo 0xff > " + U2 + "/assign_domain",
            "echo 5 > " + U2 + "/assign_adapter",
            "aplab guest start vm1 --mdev " + U1,
            "echo 06.00ab > /sys/bus/ap/drivers/vfio_ap/unbind",
            "cd /",
        };
    }

    /** Writes the session's sysfs image under dir/fake and returns that root. */
    public static Path fakeTree(Session s, Path dir) {
        Path root = dir.resolve("fake");
        SysfsImage.of(s.host()).writeTo(root);
        return root;
    }

    /** The result of a process: exit status, stdout, stderr. */
    public record Proc(int status, String out, String err) {
    }

    /** Runs a program with arguments (and extra environment) in dir. */
    public static Proc run(Path dir, List<String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    /** The POSIX shells to test the tools with: sh, and dash if it is installed. */
    public static List<String> shells() {
        List<String> out = new ArrayList<>(List.of("sh"));
        for (String d : List.of("/usr/bin/dash", "/bin/dash")) {
            if (Files.isExecutable(Path.of(d))) {
                out.add(d);
                break;
            }
        }
        return out;
    }

    /** Text without comment lines (the capture date). */
    public static String facts(String snapshot) {
        StringBuilder b = new StringBuilder();
        for (String l : snapshot.split("\n")) {
            // the comment (a date) and so the closing line's cksum differ between the script and its twin
            if (!l.startsWith("#") && !l.startsWith("end bytes=")) {
                b.append(l).append('\n');
            }
        }
        return b.toString();
    }

    /** What an aplab CLI run printed and returned. */
    public record Run(int status, String out, String err) {
        /** stdout then stderr, as lines. */
        public List<String> lines() {
            List<String> l = new ArrayList<>();
            if (!out.isEmpty()) {
                l.addAll(List.of(out.split("\n")));
            }
            if (!err.isEmpty()) {
                l.addAll(List.of(err.split("\n")));
            }
            return l;
        }
    }

    /** Runs the aplab CLI in this JVM. */
    public static Run aplab(String... args) {
        var cl = Aplab.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /**
     * Checks a golden transcript's tool blocks: every {@code ```text} block whose first line is
     * {@code $ aplab ...} must hold exactly what that command prints (stdout, then stderr). In the
     * command, the golden's own file name means the golden, {@code host.md} means the golden up to
     * that block, and a name given to a {@code ```json NAME} block before it means that JSON.
     * Returns how many blocks were checked.
     */
    public static int checkToolBlocks(Path golden, Path tmp) throws IOException {
        List<String> lines = List.of(Files.readString(golden, StandardCharsets.UTF_8).split("\n", -1));
        java.util.Map<String, Path> files = new java.util.HashMap<>();
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```json ")) {
                String name = l.substring(8).strip();
                int end = i + 1;
                while (!lines.get(end).equals("```")) {
                    end++;
                }
                Path f = tmp.resolve(name);
                Files.writeString(f, String.join("\n", lines.subList(i + 1, end)) + "\n");
                files.put(name, f);
                i = end;
                continue;
            }
            if (l.equals("```text") && i + 1 < lines.size() && lines.get(i + 1).startsWith("$ aplab ")) {
                int end = i + 2;
                while (!lines.get(end).equals("```")) {
                    end++;
                }
                Path host = tmp.resolve("host.md");
                Files.writeString(host, String.join("\n", lines.subList(0, i)) + "\n");
                List<String> words = ShellWords.parse(lines.get(i + 1).substring(2)).words();
                List<String> args = new ArrayList<>();
                for (String w : words.subList(1, words.size())) {
                    if (w.equals(golden.getFileName().toString())) {
                        args.add(golden.toString());
                    } else if (w.equals("host.md")) {
                        args.add(host.toString());
                    } else if (files.containsKey(w)) {
                        args.add(files.get(w).toString());
                    } else {
                        args.add(w);
                    }
                }
                Run r = aplab(args.toArray(String[]::new));
                List<String> expected = lines.subList(i + 2, end);
                if (!r.lines().equals(expected)) {
                    throw new AssertionError(golden.getFileName() + " line " + (i + 2) + ": '" + lines.get(i + 1)
                            + "' printed\n" + String.join("\n", r.lines()) + "\n--- but the golden has\n"
                            + String.join("\n", expected));
                }
                checked++;
                i = end;
            }
        }
        return checked;
    }
}
