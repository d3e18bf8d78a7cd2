package aplab.ap;

import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import aplab.kernel.Kstrtox;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A 256-bit AP mask (adapters, usage domains or control domains) with the kernel's MSB-first
 * numbering: id 0 is the most significant bit of the first 64-bit word ({@code set_bit_inv},
 * {@code test_bit_inv}, {@code for_each_set_bit_inv}). Printed as {@code 0x} and the four words in
 * hex, the leftmost hex digit covers ids 0-3.
 *
 * <p>Mutable, like the kernel's {@code DECLARE_BITMAP}; not thread-safe on its own: every mask in
 * the model is guarded by the lock that guards its owner.
 */
public final class ApMask {
    /** AP_DEVICES == AP_DOMAINS == 256. */
    public static final int BITS = 256;
    private static final int WORDS = BITS / 64;

    private final long[] w = new long[WORDS];

    public ApMask() {
    }

    public static ApMask of(int... ids) {
        ApMask m = new ApMask();
        for (int id : ids) {
            m.set(id);
        }
        return m;
    }

    public static ApMask allOnes() {
        ApMask m = new ApMask();
        Arrays.fill(m.w, -1L);
        return m;
    }

    /** All ids 0..max (inclusive). */
    public static ApMask range(int from, int to) {
        ApMask m = new ApMask();
        for (int i = from; i <= to; i++) {
            m.set(i);
        }
        return m;
    }

    public ApMask copy() {
        ApMask m = new ApMask();
        System.arraycopy(w, 0, m.w, 0, WORDS);
        return m;
    }

    private static long bit(int id) {
        return 1L << (63 - (id & 63));
    }

    private static void check(int id) {
        if (id < 0 || id >= BITS) {
            throw new IndexOutOfBoundsException("AP id " + id);
        }
    }

    /** set_bit_inv */
    public ApMask set(int id) {
        check(id);
        w[id >> 6] |= bit(id);
        return this;
    }

    /** clear_bit_inv */
    public ApMask clear(int id) {
        check(id);
        w[id >> 6] &= ~bit(id);
        return this;
    }

    /** test_bit_inv */
    public boolean test(int id) {
        check(id);
        return (w[id >> 6] & bit(id)) != 0;
    }

    public boolean isEmpty() {
        return (w[0] | w[1] | w[2] | w[3]) == 0;
    }

    public int cardinality() {
        return Long.bitCount(w[0]) + Long.bitCount(w[1]) + Long.bitCount(w[2]) + Long.bitCount(w[3]);
    }

    /** bitmap_and into a new mask. */
    public ApMask and(ApMask o) {
        ApMask m = new ApMask();
        for (int i = 0; i < WORDS; i++) {
            m.w[i] = w[i] & o.w[i];
        }
        return m;
    }

    /** bitmap_andnot into a new mask: this AND NOT o. */
    public ApMask andNot(ApMask o) {
        ApMask m = new ApMask();
        for (int i = 0; i < WORDS; i++) {
            m.w[i] = w[i] & ~o.w[i];
        }
        return m;
    }

    public ApMask or(ApMask o) {
        ApMask m = new ApMask();
        for (int i = 0; i < WORDS; i++) {
            m.w[i] = w[i] | o.w[i];
        }
        return m;
    }

    /** bitmap_intersects */
    public boolean intersects(ApMask o) {
        for (int i = 0; i < WORDS; i++) {
            if ((w[i] & o.w[i]) != 0) {
                return true;
            }
        }
        return false;
    }

    /** bitmap_subset: every id of this is in o. */
    public boolean subsetOf(ApMask o) {
        for (int i = 0; i < WORDS; i++) {
            if ((w[i] & ~o.w[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Overwrites word {@code i} (ids {@code 64 i} to {@code 64 i + 63}, MSB first). */
    public void setWord(int i, long word) {
        w[i] = word;
    }

    /** Overwrites this mask with o (bitmap_copy). */
    public ApMask assign(ApMask o) {
        System.arraycopy(o.w, 0, w, 0, WORDS);
        return this;
    }

    public ApMask clearAll() {
        Arrays.fill(w, 0);
        return this;
    }

    /** Keeps ids 0..max only. */
    public ApMask limit(int max) {
        ApMask m = copy();
        int from = Math.max(0, max + 1); // the first id cleared; ids run MSB first in each word
        for (int i = 0; i < WORDS; i++) {
            int lo = i << 6;
            if (from <= lo) {
                m.w[i] = 0;
            } else if (from < lo + 64) {
                m.w[i] &= -1L << (64 - (from - lo));
            }
        }
        return m;
    }

    /** The next set id at or after {@code from}, or -1 (find_next_bit_inv). */
    public int next(int from) {
        for (int id = from; id < BITS; ) {
            long word = w[id >> 6] << (id & 63);
            if (word != 0) {
                return id + Long.numberOfLeadingZeros(word);
            }
            id = (id | 63) + 1;
        }
        return -1;
    }

    /** The highest set id, or -1. */
    public int last() {
        for (int i = WORDS - 1; i >= 0; i--) {
            if (w[i] != 0) {
                return i * 64 + 63 - Long.numberOfTrailingZeros(w[i]);
            }
        }
        return -1;
    }

    /** for_each_set_bit_inv, ascending. */
    public void forEach(IntConsumer action) {
        for (int id = next(0); id >= 0; id = next(id + 1)) {
            action.accept(id);
        }
    }

    public List<Integer> ids() {
        List<Integer> ids = new ArrayList<>(cardinality());
        forEach(ids::add);
        return ids;
    }

    /** "0x" and 64 lower-case hex digits, as apmask_show and the QCI mask attributes print. */
    public String toHex() {
        return String.format("0x%016x%016x%016x%016x", w[0], w[1], w[2], w[3]);
    }

    /** Comma-separated ids in hex with {@code digits} digits each, or "none". */
    public String toIdList(int digits) {
        if (isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        forEach(id -> {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(String.format("%0" + digits + "x", id));
        });
        return b.toString();
    }

    /** The raw 64-bit words, word 0 first (benchmarks and hashing). */
    public long word(int i) {
        return w[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApMask m && Arrays.equals(w, m.w);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(w);
    }

    @Override
    public String toString() {
        return toHex();
    }

    // ---------------------------------------------------------------- parsing (ap_bus.c)

    /**
     * {@code hex2bitmap} / {@code ap_hex2bitmap}: optional "0x" (or a lone "x"), up to 64 hex digits
     * MSB-first (missing digits are zeros), an optional newline, nothing else.
     */
    public static ApMask parseHex(String text) {
        String s = Kstrtox.cstr(text);
        ApMask m = new ApMask();
        int i = 0;
        if (s.length() >= 2 && s.charAt(0) == '0' && s.charAt(1) == 'x') {
            i++;
        }
        if (i < s.length() && s.charAt(i) == 'x') {
            i++;
        }
        int bitIndex = 0;
        for (; i < s.length() && isHexDigit(s.charAt(i)) && bitIndex < BITS; i++) {
            int b = Character.digit(s.charAt(i), 16);
            for (int n = 0; n < 4; n++) {
                if ((b & (0x08 >> n)) != 0) {
                    m.set(bitIndex + n);
                }
            }
            bitIndex += 4;
        }
        if (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        if (i != s.length()) {
            throw new KernelException(Errno.EINVAL);
        }
        return m;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * {@code ap_parse_bitmap_str}: text starting with '+' or '-' is a list of relative edits of
     * {@code current} ({@code modify_bitmap}); anything else an absolute hex mask. Returns the new
     * mask; {@code current} is not touched.
     */
    public static ApMask parseBitmapStr(String text, ApMask current) {
        String s = Kstrtox.cstr(text);
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            return modifyBitmap(s, current.copy());
        }
        return parseHex(s);
    }

    /**
     * {@code modify_bitmap}: terms {@code +N}, {@code -N}, {@code +A-B}, {@code -A-B}, each with its
     * sign, numbers in any C radix ({@code simple_strtoul}, which wraps on overflow), each below
     * 256 and A &lt;= B; commas and newlines between terms are skipped; later terms win.
     */
    static ApMask modifyBitmap(String s, ApMask m) {
        int i = 0;
        while (i < s.length()) {
            char sign = s.charAt(i++);
            if (sign != '+' && sign != '-') {
                throw new KernelException(Errno.EINVAL);
            }
            long[] r = Kstrtox.simpleStrtoul(s, i);
            long a = r[0];
            long z = a;
            if (r[1] == i || Long.compareUnsigned(a, BITS) >= 0) {
                throw new KernelException(Errno.EINVAL);
            }
            i = (int) r[1];
            if (i < s.length() && s.charAt(i) == '-') {
                i++;
                r = Kstrtox.simpleStrtoul(s, i);
                z = r[0];
                if (r[1] == i || Long.compareUnsigned(a, z) > 0 || Long.compareUnsigned(z, BITS) >= 0) {
                    throw new KernelException(Errno.EINVAL);
                }
                i = (int) r[1];
            }
            for (long id = a; id <= z; id++) {
                if (sign == '+') {
                    m.set((int) id);
                } else {
                    m.clear((int) id);
                }
            }
            while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == '\n')) {
                i++;
            }
        }
        return m;
    }
}
