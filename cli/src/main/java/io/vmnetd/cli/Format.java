package io.vmnetd.cli;

/**
 * The output formats of {@code -o}. Lower-case constants because picocli shows and completes them as they are
 * written here, and operators type {@code -o json} as with kubectl.
 */
public enum Format {
    /** Aligned columns for people. */
    table,
    /** The table with more columns. */
    wide,
    /** The daemon's API object, indented; stable field names (see the README). */
    json,
    /** The same tree as json, as YAML. */
    yaml
}
