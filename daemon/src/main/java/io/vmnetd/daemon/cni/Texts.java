package io.vmnetd.daemon.cni;

/** Text from a caller, made safe to print: bounded, control characters escaped (no terminal escapes in logs). */
final class Texts {
    private Texts() {}

    /** True when every character is printable (no control characters, no DEL). */
    static boolean isPrintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} with control characters as \\xNN, cut to {@code max} characters with "…" when longer. */
    static String printable(String s, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.length() >= max && s.length() > max ? out.substring(0, max) + "…" : out.toString();
    }
}
