package io.vmnetd.cli.json;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes the values {@link Json} reads as a YAML 1.2 block document, the same tree as the JSON output: a string is
 * written plain only when YAML would read it back as that same string, else double-quoted.
 */
public final class YamlWriter {
    /** Plain scalars that stay strings: no indicator first, no ": " or " #", not a number, bool or null. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_./][A-Za-z0-9_./@+:()-]*( [A-Za-z0-9_./@+()-]+)*");
    private static final Pattern RESERVED = Pattern.compile(
            "(?i)(true|false|yes|no|on|off|y|n|null|~|[-+]?(\\.inf|\\.nan))|.*:$|.*: .*");

    private YamlWriter() {}

    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        node(out, value, 0, true);
        return out.toString();
    }

    /** {@code value} at {@code indent}; the first line's indentation is already written when {@code inline}. */
    private static void node(StringBuilder out, Object value, int indent, boolean inline) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(first && inline)) {
                    out.append(" ".repeat(indent));
                }
                first = false;
                scalar(out, String.valueOf(e.getKey()));
                out.append(':');
                child(out, e.getValue(), indent + 2);
            }
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            boolean first = true;
            for (Object item : list) {
                if (!(first && inline)) {
                    out.append(" ".repeat(indent));
                }
                first = false;
                out.append("- ");
                if (isCollection(item)) {
                    node(out, item, indent + 2, true);
                } else {
                    scalar(out, item);
                    out.append('\n');
                }
            }
        } else {
            scalar(out, value);
            out.append('\n');
        }
    }

    /** The value of a mapping key: a collection on the lines below, a scalar after a space. */
    private static void child(StringBuilder out, Object value, int indent) {
        if (isCollection(value)) {
            out.append('\n');
            node(out, value, indent, false);
        } else {
            out.append(' ');
            scalar(out, value);
            out.append('\n');
        }
    }

    private static boolean isCollection(Object value) {
        return value instanceof Map<?, ?> m && !m.isEmpty() || value instanceof List<?> l && !l.isEmpty();
    }

    private static void scalar(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map) {
            out.append("{}");
        } else if (value instanceof List) {
            out.append("[]");
        } else if (value instanceof String s) {
            if (PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches()) {
                out.append(s);
            } else {
                JsonWriter.quote(out, s);
            }
        } else {
            out.append(value);
        }
    }
}
