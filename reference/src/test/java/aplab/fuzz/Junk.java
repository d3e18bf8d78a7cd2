package aplab.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random and structured junk for sysfs attributes and CLI input: numbers with every sign, base
 * prefix and overflow the kernel's parsers see, lists and ranges, hex masks too long or with bad
 * digits, UUID-ish and APQN-ish strings, NUL bytes, unicode, whitespace, strings of 4 KiB and more.
 */
final class Junk {
    private Junk() {
    }

    static Arbitrary<String> sign() {
        return Arbitraries.of("", "", "+", "-", "++", "+-", "--", " +", "\t-");
    }

    static Arbitrary<String> prefix() {
        return Arbitraries.of("", "", "0x", "0X", "0", "x", "0b", "00x", "0x0x", "#");
    }

    static Arbitrary<String> digits() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('0', '9').ofMinLength(0).ofMaxLength(4),
                Arbitraries.strings().withChars("0123456789abcdefABCDEFgxz").ofMinLength(1).ofMaxLength(24),
                Arbitraries.of("0", "1", "5", "6", "15", "16", "63", "64", "71", "0x47", "254", "255", "256", "257",
                        "4294967295", "4294967296", "2147483647", "2147483648", "9223372036854775807",
                        "9223372036854775808", "18446744073709551615", "18446744073709551616",
                        "99999999999999999999999999999", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                        "1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "08", "09", "077", "0777"),
                Arbitraries.integers().between(-300, 300).map(String::valueOf),
                Arbitraries.longs().map(Long::toUnsignedString));
    }

    static Arbitrary<String> suffix() {
        return Arbitraries.of("", "", "", "\n", "\n\n", " ", "\t", "\0", "\0junk", "\r\n", ",", ",\n", "-5", "-",
                " 5", "\u00a0", "\u2028", "\ufeff");
    }

    /** One number as the kernel's parsers might see it. */
    static Arbitrary<String> number() {
        return Combinators.combine(sign(), prefix(), digits(), suffix()).as((a, b, c, d) -> a + b + c + d);
    }

    /** apmask/aqmask style lists: relative terms, ranges, absolute masks. */
    static Arbitrary<String> maskList() {
        Arbitrary<String> term = Combinators.combine(sign(), prefix(), digits(), Arbitraries.of("", "-", "-7", "-0x10", "-300"))
                .as((a, b, c, d) -> a + b + c + d);
        return Combinators.combine(term.list().ofMinSize(1).ofMaxSize(6), Arbitraries.of(",", ",", ",,", ";", " ", ",\n"))
                .as((l, sep) -> String.join(sep, l));
    }

    /** ap_config style: three comma-separated hex masks, some broken. */
    static Arbitrary<String> apConfig() {
        Arbitrary<String> mask = Combinators.combine(Arbitraries.of("0x", "", "x", "0X"),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(0).ofMaxLength(70),
                Arbitraries.of("", "", "g", " ", "\n")).as((a, b, c) -> a + b + c);
        return mask.list().ofMinSize(0).ofMaxSize(5).map(l -> String.join(",", l));
    }

    static Arbitrary<String> uuidish() {
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEFxg-").ofMinLength(30).ofMaxLength(40);
        return Arbitraries.oneOf(hex,
                Arbitraries.of("11111111-1111-1111-1111-111111111111", "33333333-3333-3333-3333-333333333333",
                        "33333333-3333-3333-3333-33333333333", "33333333-3333-3333-3333-3333333333333",
                        "33333333-3333-3333-3333-333333333333\n\n", "33333333-3333-3333-3333-333333333333junk",
                        "3333333333333333333333333333333333333", "G3333333-3333-3333-3333-333333333333"));
    }

    static Arbitrary<String> apqnish() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(0).ofMaxLength(3),
                        Arbitraries.of(".", "", "..", ":"),
                        Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofMinLength(0).ofMaxLength(5))
                        .as((a, b, c) -> a + b + c),
                Arbitraries.of("05.0004", "05.0047", "06.0004", "06.0047", "05.0004\n", "05.00047", "5.0004",
                        "05.0004 ", "ff.00ff", "05.0100"));
    }

    static Arbitrary<String> unicode() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0080', '\u00ff').ofMinLength(1).ofMaxLength(10),
                Arbitraries.of("é", "ï", "\u0665", "\u0035\u0301", "５", "\u200b5", "5\u200d", "\ud83d\ude00", "\ud800", "\udfff",
                        "\u202e5", "Ⅴ"));
    }

    static Arbitrary<String> whitespace() {
        return Arbitraries.strings().withChars(" \t\n\r\u000b\f\u0085\u00a0").ofMinLength(0).ofMaxLength(10);
    }

    /** Strings around and above a page, the size kernfs passes to a store at once. */
    static Arbitrary<String> big() {
        return Combinators.combine(Arbitraries.of(4095, 4096, 4097, 8192, 8193, 12000),
                Arbitraries.of("5", "x", "0", "\0", "+5,", "f", "5\n"),
                Arbitraries.of("", "5", "\n", "junk")).as((n, unit, tail) -> {
                    StringBuilder b = new StringBuilder(n + tail.length());
                    while (b.length() < n) {
                        b.append(unit);
                    }
                    b.setLength(n);
                    return b.append(tail).toString();
                });
    }

    /** Anything: raw random strings of every kind. */
    static Arbitrary<String> raw() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30), Arbitraries.strings().withCharRange('\0', '\u00ff')
                .ofMaxLength(60), Arbitraries.strings().ascii().ofMaxLength(80));
    }

    /** The mix every attribute gets. */
    static Arbitrary<String> any() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, number()),
                net.jqwik.api.Tuple.of(3, maskList()),
                net.jqwik.api.Tuple.of(2, apConfig()),
                net.jqwik.api.Tuple.of(2, uuidish()),
                net.jqwik.api.Tuple.of(2, apqnish()),
                net.jqwik.api.Tuple.of(2, unicode()),
                net.jqwik.api.Tuple.of(1, whitespace()),
                net.jqwik.api.Tuple.of(1, big()),
                net.jqwik.api.Tuple.of(3, raw()));
    }
}
