package aplab.shell;

import aplab.ap.ApConfigInfo;
import aplab.ap.ApMask;
import aplab.ap.CardType;
import aplab.host.Guest;
import aplab.host.Host;
import aplab.kernel.Kernel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code aplab} commands inside a session: what only firmware or a hypervisor can do on a real
 * host (set the AP configuration, start and stop guests, show a guest's CRYCB) and the lock-order
 * report.
 */
@Command(name = "aplab", mixinStandardHelpOptions = true, versionProvider = Versions.class,
        description = {"Do what firmware or a hypervisor does, in a transcript or shell session.",
            "Set the host's AP configuration, start, stop and show guests, print the lock-order report, or start"
                + " over on another kernel."})
public final class HostCommands implements Callable<Integer> {
    /** The session the running command acts on (a thread reuses its command lines: see {@link #execute}). */
    Session session;
    /** Where the running command's lines go. */
    List<String> out;
    private boolean running;

    /** The subcommands, in the order help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(HostCmd.class, GuestCmd.class, LockdepCmd.class,
            KernelCmd.class, S390ToolsCmd.class);
    private static final java.util.Set<String> SUBCOMMAND_NAMES = SUBCOMMANDS.stream()
            .map(c -> c.getAnnotation(Command.class).name()).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** This thread's command lines: one per subcommand run ("host", "guest"...) and "" for the whole command. */
    private static final ThreadLocal<java.util.Map<String, CommandLine>> REUSED =
            ThreadLocal.withInitial(java.util.HashMap::new);

    /**
     * Runs {@code args} on {@code session} with its lines into {@code out}, on a command line this
     * thread built before if it has one: building one reflects over every subcommand and option,
     * which costs many times what running a command does (picocli resets every option before it
     * parses again, so nothing carries over from one command to the next). A command line that
     * names a subcommand ({@code aplab host ...}) runs on one that has only that subcommand, so a
     * session that never starts a guest never builds {@code guest}'s model; anything else
     * ({@code aplab --help}, a misspelt subcommand) runs on the whole command.
     */
    static void execute(Session session, List<String> out, String[] args) {
        String only = args.length > 0 && SUBCOMMAND_NAMES.contains(args[0]) ? args[0] : null;
        java.util.Map<String, CommandLine> reused = REUSED.get();
        CommandLine cl = reused.get(only == null ? "" : only);
        HostCommands cmds = cl == null ? null : cl.getCommand();
        if (cmds == null || cmds.running) { // first use on this thread, or a command inside a command
            cmds = new HostCommands(session, out);
            cl = commandLine(cmds, out, only);
            reused.putIfAbsent(only == null ? "" : only, cl);
        }
        cmds.session = session;
        cmds.out = out;
        cmds.running = true;
        try {
            cl.execute(args);
        } finally {
            cmds.running = false;
            cmds.session = null;
            cmds.out = null;
        }
    }

    HostCommands(Session session, List<String> out) {
        this.session = session;
        this.out = out;
    }

    @Override
    public Integer call() {
        out.add("aplab: missing command (host, guest, lockdep, kernel)");
        return 2;
    }

    /**
     * A picocli command line whose output and errors land, as lines, in {@code cmds.out} (the list
     * set when a command runs; {@code sink} is the first).
     */
    static CommandLine commandLine(HostCommands cmds, List<String> sink) {
        return commandLine(cmds, sink, null);
    }

    /** The same, with only the subcommand {@code only} (null: every subcommand). */
    static CommandLine commandLine(HostCommands cmds, List<String> sink, String only) {
        cmds.out = sink;
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == HostCmd.class) {
                    return cls.cast(new HostCmd(cmds));
                }
                if (cls == GuestCmd.class) {
                    return cls.cast(new GuestCmd(cmds));
                }
                if (cls == LockdepCmd.class) {
                    return cls.cast(new LockdepCmd(cmds));
                }
                if (cls == KernelCmd.class) {
                    return cls.cast(new KernelCmd(cmds));
                }
                if (cls == S390ToolsCmd.class) {
                    return cls.cast(new S390ToolsCmd(cmds));
                }
                if (cls == GuestCmd.Start.class || cls == GuestCmd.Stop.class || cls == GuestCmd.Show.class) {
                    return cls.getDeclaredConstructor(HostCommands.class).newInstance(cmds);
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(cmds, factory);
        for (Class<?> sub : SUBCOMMANDS) {
            String name = sub.getAnnotation(Command.class).name();
            if (only == null || only.equals(name)) {
                try {
                    cl.addSubcommand(name, factory.create(sub));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create the aplab " + name + " command", e);
                }
            }
        }
        StringWriter buf = new StringWriter();
        PrintWriter pw = new PrintWriter(buf, true) {
            @Override
            public void flush() {
                super.flush();
                drain(buf, cmds.out);
            }
        };
        cl.setOut(pw);
        cl.setErr(pw);
        cl.setParameterExceptionHandler((ex, args) -> {
            String where = ex.getCommandLine().getCommandSpec().qualifiedName(" ").replaceFirst("^aplab ?", "");
            cmds.out.add("aplab: " + (where.isEmpty() ? "" : where + ": ") + ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            String where = c.getCommandSpec().qualifiedName(" ").replaceFirst("^aplab ?", "");
            cmds.out.add("aplab: " + where + ": " + ex.getMessage());
            return 1;
        });
        return cl;
    }

    private static void drain(StringWriter buf, List<String> out) {
        String s = buf.toString();
        int nl;
        while ((nl = s.indexOf('\n')) >= 0) {
            out.add(s.substring(0, nl).replaceAll("\\s+$", ""));
            s = s.substring(nl + 1);
        }
        buf.getBuffer().setLength(0);
        buf.getBuffer().append(s);
    }

    /** Parses {@code 5,6,0x47,10-12} (decimal or 0x hex, ranges A-B); "none" or empty is empty. */
    static ApMask parseList(String what, String text) {
        ApMask m = new ApMask();
        if (text.isEmpty() || text.equals("none")) {
            return m;
        }
        for (String item : text.split(",", -1)) {
            String[] ends = item.split("-", -1);
            if (ends.length > 2) {
                throw new IllegalArgumentException("invalid " + what + " '" + item + "' in '" + text + "'");
            }
            int a = parseNumber(what, ends[0], text);
            int b = ends.length == 2 ? parseNumber(what, ends[1], text) : a;
            if (a > b) {
                throw new IllegalArgumentException("invalid range '" + item + "' in '" + text + "'");
            }
            for (int i = a; i <= b; i++) {
                m.set(i);
            }
        }
        return m;
    }

    private static int parseNumber(String what, String s, String text) {
        try {
            int v = s.startsWith("0x") || s.startsWith("0X") ? Integer.parseInt(s.substring(2), 16) : Integer.parseInt(s);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException(what + " " + s + " is out of range 0-255");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + what + " '" + s + "' in '" + text + "'");
        }
    }

    // ---------------------------------------------------------------- host

    @Command(name = "host", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Set the host's AP configuration (QCI) and create the AP bus devices.",
                "A card per adapter and a queue per adapter x domain; at boot apmask and aqmask are all ones, so every"
                    + " queue is bound to the default driver. Run again later, it is a host configuration change,"
                    + " delivered to the drivers as the kernel delivers one; apmask, aqmask, the mdevs and the guests"
                    + " are kept.",
                "LIST: comma-separated numbers, decimal or 0x hex, and ranges A-B."})
    static final class HostCmd implements Callable<Integer> {
        private final HostCommands parent;

        @Option(names = "--adapters", required = true, paramLabel = "LIST", description = "The adapters, e.g. 5,6 or 0x10-0x1f.")
        String adapters;
        @Option(names = "--domains", required = true, paramLabel = "LIST", description = "The usage domains, e.g. 4,0x47.")
        String domains;
        @Option(names = "--control-domains", paramLabel = "LIST", description = "The control domains (default: the usage domains).")
        String controlDomains;
        @Option(names = "--max-adapter", paramLabel = "N", description = "The highest adapter number, Na (default 255; 63 without APXA).")
        Integer maxAdapter;
        @Option(names = "--max-domain", paramLabel = "N", description = "The highest domain number, Nd (default 255; 15 without APXA).")
        Integer maxDomain;
        @Option(names = "--no-apxa", description = "Model no AP extended addressing (APXA): adapters 0-63, domains 0-15.")
        boolean noApxa;
        @Option(names = "--type", paramLabel = "TYPE", description = "The type of new cards: CEX4..CEX8 with mode C, A or P (default CEX8C).")
        String type;
        @Option(names = "--apsb", description = "The host has AP Secure Bind (APSB in /sys/bus/ap/features; lszcrypt -V shows SESTAT).")
        boolean apsb;

        HostCmd(HostCommands parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            ApMask apm = parseList("adapter", adapters);
            ApMask aqm = parseList("domain", domains);
            ApMask adm = controlDomains == null ? aqm.copy() : parseList("control domain", controlDomains);
            boolean apxa = !noApxa;
            if (!apxa && (maxAdapter != null || maxDomain != null)) {
                throw new IllegalArgumentException("--max-adapter and --max-domain need APXA");
            }
            int na = apxa ? (maxAdapter == null ? 255 : maxAdapter) : 63;
            int nd = apxa ? (maxDomain == null ? 255 : maxDomain) : 15;
            if (na < 0 || na > 255 || nd < 0 || nd > 255) {
                throw new IllegalArgumentException("the maximum adapter and domain numbers are 0-255");
            }
            if (apm.last() > na) {
                throw new IllegalArgumentException(String.format("adapter %d is above the maximum %d", apm.last(), na));
            }
            if (aqm.last() > nd || adm.last() > nd) {
                throw new IllegalArgumentException(String.format("domain %d is above the maximum %d",
                        Math.max(aqm.last(), adm.last()), nd));
            }
            CardType t = type == null ? CardType.DEFAULT : CardType.parse(type);
            parent.session.host().configure(new ApConfigInfo(apm, aqm, adm, apxa, na, nd, apsb), t);
            return 0;
        }
    }

    // ---------------------------------------------------------------- guest

    @Command(name = "guest", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = "Start, stop or show a KVM guest.",
            subcommands = {GuestCmd.Start.class, GuestCmd.Stop.class, GuestCmd.Show.class})
    static final class GuestCmd implements Callable<Integer> {
        private final HostCommands parent;

        GuestCmd(HostCommands parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            parent.out.add("aplab: guest: missing command (start, stop, show)");
            return 2;
        }

        @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Versions.class,
                description = {"Start KVM guest NAME with vfio-ap devices, as QEMU starts one.",
                    "Each --mdev is opened in order and the KVM pointer set; if the kernel refuses one, the devices"
                        + " opened so far are closed and no guest NAME exists."})
        static final class Start implements Callable<Integer> {
            private final HostCommands parent;
            @Parameters(paramLabel = "NAME", description = "The guest's name.")
            String name;
            @Option(names = "--mdev", required = true, paramLabel = "UUID", description = "A vfio_ap mdev (repeat for more; the kernel allows one per guest).")
            List<String> mdevs;

            Start(HostCommands parent) {
                this.parent = parent;
            }

            @Override
            public Integer call() {
                Host host = parent.session.host();
                try {
                    host.startGuest(name, mdevs);
                } catch (Host.GuestStartException e) {
                    parent.out.add("aplab: guest start: " + name + ": " + e.getMessage());
                    return 1;
                } catch (IllegalStateException | IllegalArgumentException e) {
                    parent.out.add("aplab: guest start: " + e.getMessage());
                    return 1;
                }
                return 0;
            }
        }

        @Command(name = "stop", mixinStandardHelpOptions = true, versionProvider = Versions.class,
                description = {"Shut guest NAME down.",
                    "Its vfio-ap devices are closed: the KVM pointer is cleared and its queues are reset."})
        static final class Stop implements Callable<Integer> {
            private final HostCommands parent;
            @Parameters(paramLabel = "NAME", description = "The name of a running guest.")
            String name;

            Stop(HostCommands parent) {
                this.parent = parent;
            }

            @Override
            public Integer call() {
                try {
                    parent.session.host().stopGuest(name);
                } catch (IllegalStateException e) {
                    parent.out.add("aplab: guest stop: " + e.getMessage());
                    return 1;
                }
                return 0;
            }
        }

        @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Versions.class,
                description = {"Show what guest NAME's CRYCB holds now.",
                    "Three lines: adapters, domains and control domains, in hex, or 'none'."})
        static final class Show implements Callable<Integer> {
            private final HostCommands parent;
            @Parameters(paramLabel = "NAME", description = "The guest's name.")
            String name;

            Show(HostCommands parent) {
                this.parent = parent;
            }

            @Override
            public Integer call() {
                List<String> lines = guestShow(parent.session.host(), name);
                parent.out.addAll(lines);
                return parent.session.host().guest(name) == null ? 1 : 0;
            }
        }
    }

    /**
     * What {@code aplab guest show NAME} prints: the guest's CRYCB in three lines, or that there is
     * no such guest (also used by the kernel oracle's model side, which asks it after every command).
     */
    public static List<String> guestShow(Host host, String name) {
        Guest g = host.guest(name);
        return g == null ? List.of("aplab: guest show: no guest " + name) : g.kvm().show();
    }

    // ---------------------------------------------------------------- lockdep, kernel

    @Command(name = "lockdep", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Print the lock-order report.",
                "Every 'acquired after' edge seen so far as 'A -> B', then 'no circular dependency' or the cycle found."})
    static final class LockdepCmd implements Callable<Integer> {
        private final HostCommands parent;

        LockdepCmd(HostCommands parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            parent.out.addAll(parent.session.host().lockdep().reportLines());
            return 0;
        }
    }

    @Command(name = "kernel", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Start over on a fresh host running another kernel, or show the kernels.",
                "Nothing is configured on the new host: no AP configuration, no mdevs, no guests.",
                "A kernel is a named set of upstream commits; --with and --without add or drop one (with what needs it).",
                "Without NAME it shows the kernel this host runs; --list shows the named kernels (-v: with their commits)."})
    static final class KernelCmd implements Callable<Integer> {
        private final HostCommands parent;
        @Parameters(paramLabel = "NAME", arity = "0..1", completionCandidates = KernelNames.Candidates.class,
                description = "The kernel: ${COMPLETION-CANDIDATES}.")
        String name;
        @Option(names = "--with", paramLabel = "COMMIT", description = "Add a catalogue commit (and what it needs).")
        List<String> with = new java.util.ArrayList<>();
        @Option(names = "--without", paramLabel = "COMMIT", description = "Drop a catalogue commit (and what needs it).")
        List<String> without = new java.util.ArrayList<>();
        @Option(names = "--list", description = "List the named kernels.")
        boolean list;
        @Option(names = {"-v", "--verbose"}, description = "With --list: each kernel's commits.")
        boolean verbose;

        KernelCmd(HostCommands parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            if (list) {
                parent.out.addAll(Kernel.listing(verbose));
                return 0;
            }
            if (name == null) {
                if (!with.isEmpty() || !without.isEmpty()) {
                    parent.out.add("aplab: kernel: --with and --without need a kernel NAME");
                    return 2;
                }
                parent.out.addAll(parent.session.host().version().describe());
                return 0;
            }
            Kernel k;
            try {
                k = Kernel.parse(name, with, without);
            } catch (IllegalArgumentException e) {
                parent.out.add("aplab: kernel: " + e.getMessage());
                return 2;
            }
            parent.session.reset(k);
            return 0;
        }
    }

    // ---------------------------------------------------------------- s390-tools (issue 10)

    @Command(name = "s390-tools", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = {"Select the s390-tools release that lszcrypt and ap-check behave as from here on.",
                "The releases are 2.40, 2.41, 2.42 and 2.43; the default is the newest."})
    static final class S390ToolsCmd implements Callable<Integer> {
        private final HostCommands parent;
        @Parameters(paramLabel = "RELEASE", arity = "0..1", description = "The release, e.g. 2.40 or 2.42.1.")
        String release;
        @Option(names = "--list", description = "List the releases modelled.")
        boolean list;

        S390ToolsCmd(HostCommands parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            if (list) {
                parent.out.addAll(aplab.lszcrypt.S390Tools.list());
                return 0;
            }
            if (release == null) {
                parent.out.add("aplab: s390-tools: missing RELEASE (or --list)");
                return 2;
            }
            aplab.lszcrypt.S390Tools r = aplab.lszcrypt.S390Tools.parse(release);
            if (r == null) {
                parent.out.add("aplab: s390-tools: unknown release '" + release + "' (known: "
                        + String.join(", ", java.util.Arrays.stream(aplab.lszcrypt.S390Tools.values())
                                .map(aplab.lszcrypt.S390Tools::release).toList()) + ")");
                return 2;
            }
            parent.session.s390Tools(r);
            return 0;
        }
    }
}
