package io.vmnetd.daemon.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.vmnetd.daemon.config.LocatedNode.Entry;
import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.daemon.config.LocatedNode.Mapping;
import io.vmnetd.daemon.config.LocatedNode.Scalar;
import io.vmnetd.daemon.config.LocatedNode.Scalar.Kind;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds a {@link LocatedNode} tree from YAML text with jackson's streaming parser. Databind is not used
 * because it stops at the first error and forgets where values were written.
 */
final class LocatedTreeReader {

    private static final YAMLFactory YAML = new YAMLFactory();

    private final YAMLParser parser;
    private final Problems problems;

    private LocatedTreeReader(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /**
     * Reads one YAML document. Returns empty for a document without content (or just {@code ---}), or when a
     * syntax error was reported: a half-read tree would only produce misleading follow-up errors.
     */
    static Optional<LocatedNode> read(String text, Problems problems) {
        try (YAMLParser parser = YAML.createParser(text)) {
            LocatedTreeReader reader = new LocatedTreeReader(parser, problems);
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            LocatedNode root = reader.readValue(first, "");
            if (parser.nextToken() != null) {
                problems.add(reader.here(), "", "only one YAML document is allowed; remove the second \"---\"");
            }
            boolean onlyNull = root instanceof Scalar scalar && scalar.kind() == Kind.NULL;
            return onlyNull ? Optional.empty() : Optional.of(root);
        } catch (JsonProcessingException e) {
            reportSyntaxError(e, problems);
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("reading YAML from a string cannot fail with I/O", e);
        }
    }

    private LocatedNode readValue(JsonToken token, String path) throws IOException {
        return switch (token) {
            case START_OBJECT -> readMapping(path);
            case START_ARRAY -> readSequence(path);
            default -> readScalar(token, path);
        };
    }

    private Mapping readMapping(String path) throws IOException {
        Location start = here();
        Map<String, Entry> entries = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Location keyLocation = here();
            String keyPath = Problems.child(path, key);
            LocatedNode value = readValue(parser.nextToken(), keyPath);
            Entry earlier = entries.get(key);
            if (earlier == null) {
                entries.put(key, new Entry(key, keyLocation, value));
            } else {
                problems.add(keyLocation, keyPath, "duplicate key; first set at " + earlier.keyLocation());
            }
        }
        expect(token, JsonToken.END_OBJECT);
        return new Mapping(start, entries);
    }

    private Sequence readSequence(String path) throws IOException {
        Location start = here();
        List<LocatedNode> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
            items.add(readValue(token, Problems.item(path, items.size())));
        }
        expect(token, JsonToken.END_ARRAY);
        return new Sequence(start, items);
    }

    private Scalar readScalar(JsonToken token, String path) throws IOException {
        Location at = here();
        String text = parser.getText();
        if (parser.isCurrentAlias()) {
            // Jackson hands an alias over as the anchor's name, which would silently become the value.
            problems.add(at, path, "YAML aliases (*" + text + ") are not supported; write the value out");
        }
        return switch (token) {
            case VALUE_STRING -> new Scalar(at, Kind.STRING, text, null);
            case VALUE_NUMBER_INT -> new Scalar(at, Kind.INTEGER, text, parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> new Scalar(at, Kind.FLOAT, text, null);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(at, Kind.BOOLEAN, text, null);
            case VALUE_NULL -> new Scalar(at, Kind.NULL, text, null);
            default -> throw new IllegalStateException("unexpected YAML token " + token + " at " + at);
        };
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalStateException("YAML parser ended a container with " + actual + ", not " + expected);
        }
    }

    private Location here() {
        JsonLocation location = parser.currentTokenLocation();
        return new Location(location.getLineNr(), location.getColumnNr());
    }

    private static void reportSyntaxError(JsonProcessingException e, Problems problems) {
        // SnakeYAML knows exactly where it gave up and why; jackson's own location lags behind it.
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark mark = marked.getProblemMark();
            String context = marked.getContext() == null ? "" : " (" + marked.getContext() + contextPlace(marked) + ")";
            problems.add(new Location(mark.getLine() + 1, mark.getColumn() + 1), "",
                    "YAML syntax error: " + marked.getProblem() + context);
            return;
        }
        JsonLocation location = e.getLocation();
        Location at = location == null
                ? new Location(0, 0)
                : new Location(location.getLineNr(), location.getColumnNr());
        String message = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
        problems.add(at, "", "YAML syntax error: " + message);
    }

    private static String contextPlace(MarkedYAMLException marked) {
        Mark mark = marked.getContextMark();
        return mark == null ? "" : " started at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }
}
