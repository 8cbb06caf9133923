package io.vmnetd.daemon.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, pointing at where it was written.
 *
 * @param source where the text came from: a file path, or e.g. "request body"
 * @param line 1-based line, or 0 when the problem has no position (e.g. the file cannot be read)
 * @param column 1-based column, or 0 when unknown
 * @param field path of the offending field, e.g. {@code vmNetworks[1].vlan}; empty for the whole document
 * @param message what is wrong and, where there is a set or range, what is allowed
 */
public record ConfigProblem(String source, int line, int column, String field, String message) {

    public ConfigProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    /** Formats as {@code source:line:column: field: message}, the shape compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(source);
        if (line > 0) {
            text.append(':').append(line);
            if (column > 0) {
                text.append(':').append(column);
            }
        }
        text.append(": ");
        if (!field.isEmpty()) {
            text.append(field).append(": ");
        }
        return text.append(message).toString();
    }
}
