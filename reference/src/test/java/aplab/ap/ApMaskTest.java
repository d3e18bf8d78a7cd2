package aplab.ap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import aplab.kernel.Errno;
import aplab.kernel.KernelException;
import org.junit.jupiter.api.Test;

class ApMaskTest {
    private static Errno errno(Runnable r) {
        try {
            r.run();
            return null;
        } catch (KernelException e) {
            return e.errno();
        }
    }

    @Test
    void idZeroIsTheMostSignificantBitOfTheFirstWord() {
        assertThat(ApMask.of(0).toHex()).isEqualTo("0x8" + "0".repeat(63));
        assertThat(ApMask.of(255).toHex()).isEqualTo("0x" + "0".repeat(63) + "1");
        assertThat(ApMask.of(64).word(1)).isEqualTo(Long.MIN_VALUE);
        assertThat(ApMask.allOnes().clear(5).clear(6).toHex()).isEqualTo("0xf9" + "f".repeat(62));
    }

    @Test
    void parseHexReadsMsbFirstAndPadsWithZeros() {
        assertThat(ApMask.parseHex("0x7d" + "0".repeat(62)).ids()).containsExactly(1, 2, 3, 4, 5, 7);
        assertThat(ApMask.parseHex("0x41").ids()).containsExactly(1, 7);
        assertThat(ApMask.parseHex("x41\n").ids()).containsExactly(1, 7);
        assertThat(ApMask.parseHex("").isEmpty()).isTrue();
        assertThat(ApMask.parseHex("0x").isEmpty()).isTrue();
        assertThat(ApMask.parseHex("0x" + "f".repeat(64))).isEqualTo(ApMask.allOnes());
        assertThat(ApMask.parseHex("0x" + "f".repeat(64) + "\n")).isEqualTo(ApMask.allOnes());
        assertThat(ApMask.parseHex("0xFF").ids()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        // the documentation's boot parameters: ap.apmask=0xffff ap.aqmask=0x40
        assertThat(ApMask.parseHex("0xffff").ids()).containsExactlyElementsOf(ApMask.range(0, 15).ids());
        assertThat(ApMask.parseHex("0x40").ids()).containsExactly(1);
        assertThat(ApMask.parseHex("0x40").toHex()).isEqualTo("0x40" + "0".repeat(62));
    }

    @Test
    void parseHexRefusesJunkAndOverlongMasks() {
        assertThat(errno(() -> ApMask.parseHex("0x" + "0".repeat(65)))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> ApMask.parseHex("0xg"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> ApMask.parseHex("0X41"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> ApMask.parseHex("41\n\n"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> ApMask.parseHex("41 "))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void relativeEditsApplyInOrderAndLaterTermsWin() {
        ApMask cur = ApMask.of(6, 0xf0);
        assertThat(ApMask.parseBitmapStr("+0,-6,+0x47,-0xf0", cur).ids()).containsExactly(0, 0x47);
        assertThat(cur.ids()).as("the current mask is not touched").containsExactly(6, 0xf0);
        assertThat(ApMask.parseBitmapStr("+4-7,-5", new ApMask()).ids()).containsExactly(4, 6, 7);
        assertThat(ApMask.parseBitmapStr("+1,-1", new ApMask()).isEmpty()).isTrue();
        assertThat(ApMask.parseBitmapStr("+010\n", new ApMask()).ids()).containsExactly(8);
        assertThat(ApMask.parseBitmapStr("+1,,+2,\n", new ApMask()).ids()).containsExactly(1, 2);
    }

    @Test
    void laterTermsWinAndRangesCoverBothEnds() {
        assertThat(ApMask.parseBitmapStr("-5,+5", new ApMask()).ids()).containsExactly(5);
        assertThat(ApMask.parseBitmapStr("+5,-5", ApMask.of(5)).isEmpty()).isTrue();
        assertThat(ApMask.parseBitmapStr("-0-255", ApMask.allOnes()).isEmpty()).isTrue();
        assertThat(ApMask.parseBitmapStr("+0-255", new ApMask())).isEqualTo(ApMask.allOnes());
        assertThat(ApMask.parseBitmapStr("+0xf0-0xff,-0xf1-0xfe", new ApMask()).ids()).containsExactly(0xf0, 0xff);
        // the documentation's example from all ones: sets 0 and 71, clears 6 and 240
        ApMask doc = ApMask.parseBitmapStr("+0,-6,+0x47,-0xf0", ApMask.allOnes());
        assertThat(doc.test(0) && doc.test(0x47) && !doc.test(6) && !doc.test(0xf0)).isTrue();
        assertThat(doc.cardinality()).isEqualTo(254);
    }

    @Test
    void valuesAboveIntMaxAreRefusedNotWrapped() {
        // the relative parser works with unsigned longs (post-merge fix: INT_MAX+1 crashed it)
        assertThat(errno(() -> ApMask.parseBitmapStr("+2147483648", new ApMask()))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> ApMask.parseBitmapStr("+4294967296", new ApMask()))).isEqualTo(Errno.EINVAL);
        assertThat(errno(() -> ApMask.parseBitmapStr("+0-4294967301", new ApMask()))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void relativeEditsRefuseBadTerms() {
        for (String bad : new String[] {"+256", "+1,2", "+7-4", "+", "-", "+x", "+1-", "+1-256", "+-1", "+ 1"}) {
            assertThat(errno(() -> ApMask.parseBitmapStr(bad, new ApMask()))).as(bad).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    void relativeNumbersWrapAsSimpleStrtoulDoes() {
        // 2^64 + 5 wraps to 5 in simple_strtoul's unsigned long
        assertThat(ApMask.parseBitmapStr("+18446744073709551621", new ApMask()).ids()).containsExactly(5);
    }

    @Test
    void setOperations() {
        ApMask a = ApMask.of(1, 2, 200);
        ApMask b = ApMask.of(2, 3);
        assertThat(a.and(b).ids()).containsExactly(2);
        assertThat(a.andNot(b).ids()).containsExactly(1, 200);
        assertThat(a.intersects(b)).isTrue();
        assertThat(ApMask.of(2).subsetOf(b)).isTrue();
        assertThat(a.subsetOf(b)).isFalse();
        assertThat(a.last()).isEqualTo(200);
        assertThat(a.next(3)).isEqualTo(200);
        assertThat(a.limit(63).ids()).containsExactly(1, 2);
        assertThat(ApMask.of(5, 6).toIdList(2)).isEqualTo("05,06");
        assertThat(new ApMask().toIdList(4)).isEqualTo("none");
        assertThatThrownBy(() -> new ApMask().set(256)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** limit(max) keeps ids 0..max at every word boundary, as clearing bit after bit does. */
    @Test
    void limitKeepsIdsUpToMaxAtEveryBoundary() {
        ApMask all = ApMask.allOnes();
        for (int max : new int[] {-1, 0, 1, 62, 63, 64, 65, 127, 128, 200, 254, 255}) {
            ApMask expected = new ApMask();
            for (int id = 0; id <= max; id++) {
                expected.set(id);
            }
            assertThat(all.limit(max)).as("limit(%d)", max).isEqualTo(expected);
            assertThat(all.limit(max).cardinality()).isEqualTo(max + 1);
        }
    }
}
