package io.vmnetd.daemon.config;

import io.vmnetd.daemon.config.LocatedNode.Entry;
import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.daemon.config.LocatedNode.Mapping;
import io.vmnetd.daemon.config.LocatedNode.Scalar;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The fields of one YAML mapping, addressed by key, each read reporting its problems under the field's path.
 * A key with an empty value ({@code key:} or {@code key: null}) counts as absent.
 */
final class MappingFields {

    private final Mapping mapping;
    private final String path;
    private final NodeValues values;

    private MappingFields(Mapping mapping, String path, NodeValues values) {
        this.mapping = mapping;
        this.path = path;
        this.values = values;
    }

    /** Reads {@code node} as a mapping whose keys must all be in {@code allowedKeys}. */
    static Optional<MappingFields> of(LocatedNode node, String path, NodeValues values, List<String> allowedKeys) {
        return of(node, path, values, allowedKeys, Set.of());
    }

    /**
     * Like {@link #of(LocatedNode, String, NodeValues, List)}, but {@code checkedByCaller} keys are not reported
     * as unknown (nor offered as allowed): the caller rejects them with a more helpful message.
     */
    static Optional<MappingFields> of(LocatedNode node, String path, NodeValues values, List<String> allowedKeys,
            Set<String> checkedByCaller) {
        if (!(node instanceof Mapping mapping)) {
            values.problems().add(node.location(), path, "expected a mapping, got " + node.describe());
            return Optional.empty();
        }
        for (Entry entry : mapping.entries().values()) {
            if (!allowedKeys.contains(entry.key()) && !checkedByCaller.contains(entry.key())) {
                values.problems().add(entry.keyLocation(), Problems.child(path, entry.key()),
                        "unknown field; allowed: " + String.join(", ", allowedKeys));
            }
        }
        return Optional.of(new MappingFields(mapping, path, values));
    }

    String path() {
        return path;
    }

    String path(String key) {
        return Problems.child(path, key);
    }

    Location location() {
        return mapping.location();
    }

    Problems problems() {
        return values.problems();
    }

    Optional<LocatedNode> get(String key) {
        return Optional.ofNullable(mapping.entries().get(key))
                .map(Entry::value)
                .filter(value -> !(value instanceof Scalar scalar && scalar.kind() == Scalar.Kind.NULL));
    }

    Optional<Location> keyLocation(String key) {
        return Optional.ofNullable(mapping.entries().get(key)).map(Entry::keyLocation);
    }

    boolean has(String key) {
        return get(key).isPresent();
    }

    /** Reports a missing field, naming what is allowed in it; returns whether it is present. */
    boolean requirePresent(String key, String allowed) {
        if (has(key)) {
            return true;
        }
        String hint = allowed.isEmpty() ? "" : "; allowed: " + allowed;
        problems().add(location(), path(key), "missing required field" + hint);
        return false;
    }

    Optional<String> text(String key) {
        return get(key).flatMap(node -> values.text(node, path(key)));
    }

    Optional<String> matching(String key, Predicate<String> rule, String what, String allowed) {
        return get(key).flatMap(node -> values.matching(node, path(key), rule, what, allowed));
    }

    OptionalInt integer(String key, IntRange range) {
        Optional<LocatedNode> node = get(key);
        return node.isPresent() ? values.integer(node.get(), path(key), range) : OptionalInt.empty();
    }

    Optional<Boolean> bool(String key) {
        return get(key).flatMap(node -> values.bool(node, path(key)));
    }

    Optional<String> oneOf(String key, List<String> allowed) {
        return get(key).flatMap(node -> values.oneOf(node, path(key), allowed));
    }

    Optional<Path> absolutePath(String key) {
        return get(key).flatMap(node -> values.absolutePath(node, path(key)));
    }

    Optional<Sequence> list(String key) {
        return get(key).flatMap(node -> values.list(node, path(key)));
    }

    Optional<MappingFields> mapping(String key, List<String> allowedKeys) {
        return get(key).flatMap(node -> of(node, path(key), values, allowedKeys));
    }
}
