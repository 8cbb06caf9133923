package io.vmnetd.daemon.config;

import io.vmnetd.daemon.config.LocatedNode.Scalar;
import io.vmnetd.daemon.config.LocatedNode.Scalar.Kind;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Typed reads of single values. A value of the wrong type or outside its allowed set is reported and read as
 * empty, so validation goes on and finds the document's other problems too.
 */
final class NodeValues {

    private final Problems problems;

    NodeValues(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** A string; unquoted numbers are taken as written, since YAML users rarely quote e.g. a name "100". */
    Optional<String> text(LocatedNode node, String path) {
        if (node instanceof Scalar scalar
                && (scalar.kind() == Kind.STRING || scalar.kind() == Kind.INTEGER || scalar.kind() == Kind.FLOAT)) {
            return Optional.of(scalar.text());
        }
        problems.add(node.location(), path, "expected a string, got " + node.describe());
        return Optional.empty();
    }

    /** A string accepted by {@code rule}; otherwise reports {@code invalid <what> "value"; allowed: <allowed>}. */
    Optional<String> matching(LocatedNode node, String path, Predicate<String> rule, String what, String allowed) {
        Optional<String> text = text(node, path);
        if (text.isPresent() && !rule.test(text.get())) {
            problems.add(node.location(), path, "invalid " + what + " \"" + text.get() + "\"; allowed: " + allowed);
            return Optional.empty();
        }
        return text;
    }

    OptionalInt integer(LocatedNode node, String path, IntRange range) {
        if (!(node instanceof Scalar scalar) || scalar.kind() != Kind.INTEGER) {
            problems.add(node.location(), path, "expected an integer, got " + node.describe() + "; allowed: " + range);
            return OptionalInt.empty();
        }
        if (!range.contains(scalar.integer())) {
            problems.add(node.location(), path, "out of range: " + scalar.integer() + "; allowed: " + range);
            return OptionalInt.empty();
        }
        return OptionalInt.of(scalar.integer().intValueExact());
    }

    Optional<Boolean> bool(LocatedNode node, String path) {
        if (node instanceof Scalar scalar && scalar.kind() == Kind.BOOLEAN) {
            // YAML 1.1 spells true as true, yes or on in three cases; anything else the parser took as a boolean is false.
            return Optional.of(List.of("true", "yes", "on").contains(scalar.text().toLowerCase(java.util.Locale.ROOT)));
        }
        problems.add(node.location(), path, "expected true or false, got " + node.describe());
        return Optional.empty();
    }

    /** One of a fixed set of spellings, compared case-sensitively as the kernel and Kubernetes do. */
    Optional<String> oneOf(LocatedNode node, String path, List<String> allowed) {
        Optional<String> text = text(node, path);
        if (text.isPresent() && !allowed.contains(text.get())) {
            problems.add(node.location(), path,
                    "unknown value \"" + text.get() + "\"; allowed: " + String.join(", ", allowed));
            return Optional.empty();
        }
        return text;
    }

    Optional<Path> absolutePath(LocatedNode node, String path) {
        Optional<String> text = text(node, path);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path value = Path.of(text.get());
            if (value.isAbsolute()) {
                return Optional.of(value);
            }
        } catch (InvalidPathException notAPath) {
            // Reported below like any other unusable path.
        }
        problems.add(node.location(), path, "expected an absolute path, got \"" + text.get() + "\"");
        return Optional.empty();
    }

    Optional<Sequence> list(LocatedNode node, String path) {
        if (node instanceof Sequence sequence) {
            return Optional.of(sequence);
        }
        problems.add(node.location(), path, "expected a list, got " + node.describe());
        return Optional.empty();
    }
}
