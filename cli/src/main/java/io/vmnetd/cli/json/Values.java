package io.vmnetd.cli.json;

import java.util.List;
import java.util.Map;

/** Typed reads of the values {@link Json} returns, tolerant of members a daemon of another version leaves out. */
public final class Values {
    private Values() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** The member as text: "" when absent or null, numbers and booleans as JSON writes them. */
    public static String text(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v == null ? "" : String.valueOf(v);
    }

    public static boolean bool(Map<String, Object> map, String key) {
        return Boolean.TRUE.equals(map.get(key));
    }

    public static long number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** A list of strings joined with {@code separator}; "" when absent. */
    public static String joined(Map<String, Object> map, String key, String separator) {
        StringBuilder s = new StringBuilder();
        for (Object o : list(map.get(key))) {
            if (s.length() > 0) {
                s.append(separator);
            }
            s.append(o);
        }
        return s.toString();
    }
}
