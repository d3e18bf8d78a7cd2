package aplab.shell;

import aplab.mdevctl.ApCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ap-check ARGS} in the shell: s390-tools' mdevctl callout ({@link ApCheck}) on the
 * session's host. mdevctl gives the script the device's JSON on stdin and the script reads
 * /etc/mdevctl.d/matrix and the udev rule; the shell has neither stdin nor those files, so three
 * options stand in for them: {@code --config JSON} (stdin), {@code --defined UUID=JSON} (a file
 * of /etc/mdevctl.d/matrix, repeatable) and {@code --udev-masks APMASK,AQMASK} (the masks of
 * /etc/udev/rules.d/41-ap.rules). It prints the script's stdout, then its stderr, then, when the
 * status is not 0, a line {@code aplab: ap-check exit status N}.
 */
final class ApCheckCommand {
    private ApCheckCommand() {
    }

    static void run(Session session, List<String> args, java.util.function.Consumer<String> out,
            java.util.function.Consumer<String> err) {
        List<String> real = new ArrayList<>();
        String config = null;
        Map<String, String> defined = new LinkedHashMap<>();
        String udevAp = null;
        String udevAq = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--config") || a.equals("--defined") || a.equals("--udev-masks")) && i + 1 >= args.size()) {
                err.accept("aplab: ap-check: " + a + " needs a value");
                return;
            }
            switch (a) {
                case "--config" -> config = args.get(++i);
                case "--defined" -> {
                    String v = args.get(++i);
                    int eq = v.indexOf('=');
                    if (eq < 0) {
                        err.accept("aplab: ap-check: --defined takes UUID=JSON");
                        return;
                    }
                    defined.put(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--udev-masks" -> {
                    String[] m = args.get(++i).split(",", -1);
                    if (m.length != 2) {
                        err.accept("aplab: ap-check: --udev-masks takes APMASK,AQMASK");
                        return;
                    }
                    udevAp = m[0];
                    udevAq = m[1];
                }
                default -> real.add(a);
            }
        }
        ApCheck.Result r = ApCheck.run(new ApCheck.Env(session.sysfs(), defined, udevAp, udevAq), real, config);
        r.stdout().forEach(out);
        r.stderr().forEach(err);
        if (r.status() != 0) {
            err.accept("aplab: ap-check exit status " + r.status());
        }
    }
}
