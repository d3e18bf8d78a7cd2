package aplab.ap;

/**
 * An AP queue number: adapter (APID) and usage domain (APQI), each 0..255. Prints as the kernel's
 * queue device name {@code %02x.%04x}. Ordered adapters first, as the kernel's loops run.
 */
public record Apqn(int apid, int apqi) implements Comparable<Apqn> {
    public Apqn {
        if (apid < 0 || apid > 255 || apqi < 0 || apqi > 255) {
            throw new IllegalArgumentException("APQN out of range: " + apid + "," + apqi);
        }
    }

    /** AP_MKQID */
    public int qid() {
        return apid << 8 | apqi;
    }

    /** Parses a queue device name {@code XX.YYYY} (hex); null if it is not one. */
    public static Apqn parse(String name) {
        if (!name.matches("[0-9a-f]{2}\\.[0-9a-f]{4}")) {
            return null;
        }
        int apid = Integer.parseInt(name.substring(0, 2), 16);
        int apqi = Integer.parseInt(name.substring(3), 16);
        return apqi > 255 ? null : new Apqn(apid, apqi);
    }

    @Override
    public int compareTo(Apqn o) {
        return Integer.compare(qid(), o.qid());
    }

    @Override
    public String toString() {
        return String.format("%02x.%04x", apid, apqi);
    }
}
