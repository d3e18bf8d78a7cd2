package aplab.kernel;

/**
 * The kernel's number parsers as the driver and the AP bus use them (lib/kstrtox.c,
 * lib/vsprintf.c). Input is the bytes userspace wrote, as a Java string of chars 0..255; a NUL
 * ends it, as in C.
 */
public final class Kstrtox {
    private Kstrtox() {
    }

    /** C string view: the text up to the first NUL. */
    public static String cstr(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        return 99;
    }

    /** {@code _parse_integer_fixup_radix} for base 0: returns {base, index of the first digit}. */
    static int[] fixupRadix(String s, int i) {
        if (i < s.length() && s.charAt(i) == '0') {
            if (i + 2 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && isHex(s.charAt(i + 2))) {
                return new int[] {16, i + 2};
            }
            return new int[] {8, i};
        }
        return new int[] {10, i};
    }

    /**
     * {@code kstrtoul(buf, 0, &val)}: an optional '+', a C literal (decimal, 0x hex, 0 octal), at
     * most one trailing newline, nothing else. EINVAL for anything else, ERANGE above 2^64-1.
     */
    public static long kstrtoul(String buf) {
        String s = cstr(buf);
        int i = 0;
        if (i < s.length() && s.charAt(i) == '+') {
            i++;
        }
        int[] radix = fixupRadix(s, i);
        int base = radix[0];
        i = radix[1];
        int start = i;
        long res = 0;
        boolean overflow = false;
        for (; i < s.length(); i++) {
            int d = digit(s.charAt(i));
            if (d >= base) {
                break;
            }
            // overflow of an unsigned 64-bit accumulator, as _parse_integer_limit checks it
            if (Long.compareUnsigned(res, Long.divideUnsigned(-1L - d, base)) > 0) {
                overflow = true;
            }
            res = res * base + d;
        }
        if (i == start) {
            throw new KernelException(Errno.EINVAL);
        }
        if (overflow) {
            throw new KernelException(Errno.ERANGE);
        }
        if (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        if (i != s.length()) {
            throw new KernelException(Errno.EINVAL);
        }
        return res;
    }

    /**
     * {@code simple_strtoul(s, &end, 0)} from index {@code i}: no sign, no whitespace, wraps silently
     * on overflow. Returns {value, end index}; end == i when nothing was parsed.
     */
    public static long[] simpleStrtoul(String s, int i) {
        int[] radix = fixupRadix(s, i);
        int base = radix[0];
        int j = radix[1];
        long res = 0;
        int start = j;
        for (; j < s.length(); j++) {
            int d = digit(s.charAt(j));
            if (d >= base) {
                break;
            }
            res = res * base + d;
        }
        // "0x5": the digits start after the prefix, but the prefix counts as consumed
        return new long[] {res, j == start ? (base == 16 ? i : j) : j};
    }

    /**
     * {@code sscanf(buf, "%d\n", &value) == 1}: leading white space, an optional sign, decimal
     * digits; whatever follows is ignored. Returns null when no number is there.
     */
    public static Long sscanfInt(String buf) {
        String s = cstr(buf);
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (v < 1L << 40) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i == start) {
            return null;
        }
        return neg ? -v : v;
    }
}
