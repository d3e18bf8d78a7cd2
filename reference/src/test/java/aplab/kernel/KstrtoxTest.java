package aplab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KstrtoxTest {
    @ParameterizedTest
    @CsvSource({"5,5", "0x5,5", "0X5,5", "+5,5", "05,5", "010,8", "0,0", "0xff,255", "18446744073709551615,-1"})
    void acceptsCLiterals(String in, long value) {
        assertThat(Kstrtox.kstrtoul(in)).isEqualTo(value);
        assertThat(Kstrtox.kstrtoul(in + "\n")).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0x", "-1", " 5", "5 ", "08", "09", "5\n\n", "+", "++5", "five", "0x5g", "5\t", "\n"})
    void refusesEverythingElse(String in) {
        assertThat(errno(in)).isEqualTo(Errno.EINVAL);
    }

    @Test
    void overflowIsERange() {
        assertThat(errno("18446744073709551616")).isEqualTo(Errno.ERANGE);
        assertThat(errno("0x10000000000000000")).isEqualTo(Errno.ERANGE);
    }

    @Test
    void aNulEndsTheString() {
        assertThat(Kstrtox.kstrtoul("5\0junk")).isEqualTo(5);
    }

    @Test
    void sscanfIntTakesALeadingNumber() {
        assertThat(Kstrtox.sscanfInt(" 1")).isEqualTo(1);
        assertThat(Kstrtox.sscanfInt("1abc")).isEqualTo(1);
        assertThat(Kstrtox.sscanfInt("-1")).isEqualTo(-1);
        assertThat(Kstrtox.sscanfInt("x")).isNull();
    }

    private static Errno errno(String in) {
        try {
            Kstrtox.kstrtoul(in);
            return null;
        } catch (KernelException e) {
            return e.errno();
        }
    }
}
