package io.vmnetd.daemon.config;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value that remembers where it was written, so that every problem can point at its line. */
sealed interface LocatedNode permits LocatedNode.Mapping, LocatedNode.Sequence, LocatedNode.Scalar {

    Location location();

    /** How the node reads in an error message, e.g. {@code a list} or {@code string "abc"}. */
    String describe();

    /** 1-based position of the first character of a node or key. */
    record Location(int line, int column) {
        /** How a message refers back to an earlier place, e.g. "first declared at ... (line 10)". */
        @Override
        public String toString() {
            return "line " + line;
        }
    }

    /** A mapping in document order; a key written twice keeps its first value (the repeat is reported). */
    record Mapping(Location location, Map<String, Entry> entries) implements LocatedNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Entry(String key, Location keyLocation, LocatedNode value) {
    }

    record Sequence(Location location, List<LocatedNode> items) implements LocatedNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A plain value.
     *
     * @param text the value as written (for numbers: the source spelling, e.g. {@code 0x1F})
     * @param integer the value of an {@link Kind#INTEGER}, otherwise {@code null}
     */
    record Scalar(Location location, Kind kind, String text, BigInteger integer) implements LocatedNode {

        enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> "string \"" + text + "\"";
                case INTEGER -> "integer " + text;
                case FLOAT -> "number " + text;
                case BOOLEAN -> "boolean " + text;
                case NULL -> "null";
            };
        }
    }
}
