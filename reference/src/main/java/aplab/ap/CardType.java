package aplab.ap;

/**
 * A crypto card's type and mode as lszcrypt shows it ({@code CEX8C}): generation 4..8 (AP types
 * 10..14, the ones vfio_ap and cex4queue bind) and mode C (CCA coprocessor), A (accelerator) or P
 * (EP11 coprocessor).
 */
public record CardType(int generation, char mode) {
    public CardType {
        if (generation < 4 || generation > 8) {
            throw new IllegalArgumentException("card generation must be CEX4..CEX8");
        }
        if ("CAP".indexOf(mode) < 0) {
            throw new IllegalArgumentException("card mode must be C, A or P");
        }
    }

    public static final CardType DEFAULT = new CardType(8, 'C');

    /** Parses {@code CEX8}, {@code CEX7A}, {@code cex5p}. */
    public static CardType parse(String text) {
        String t = text.toUpperCase(java.util.Locale.ROOT);
        if (!t.matches("CEX[4-8][CAP]?")) {
            throw new IllegalArgumentException("unknown card type '" + text + "' (CEX4..CEX8, optional mode C, A or P)");
        }
        return new CardType(t.charAt(3) - '0', t.length() > 4 ? t.charAt(4) : 'C');
    }

    /** The AP type number the hardware reports (hwtype): CEX4 = 10 ... CEX8 = 14. */
    public int hwtype() {
        return generation + 6;
    }

    /** The mode as lszcrypt spells it. */
    public String modeName() {
        return switch (mode) {
            case 'A' -> "Accelerator";
            case 'P' -> "EP11-Coproc";
            default -> "CCA-Coproc";
        };
    }

    @Override
    public String toString() {
        return "CEX" + generation + mode;
    }
}
