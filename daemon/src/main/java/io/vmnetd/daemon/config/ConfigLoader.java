package io.vmnetd.daemon.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads and validates a configuration completely before anything acts on it, reporting every problem at once
 * with its file, line, column and field path.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads a config file. A missing file is an error: whether to fall back to {@link Config#defaults()} is the
     * caller's decision.
     */
    public static Config load(Path file) throws ConfigException {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw unreadable(source, "no such file");
        } catch (CharacterCodingException e) {
            throw unreadable(source, "not valid UTF-8");
        } catch (IOException e) {
            throw unreadable(source, "cannot read: " + e.getMessage());
        }
        return parse(text, source);
    }

    /**
     * Validates config text from anywhere, e.g. a request body.
     *
     * @param sourceName names the text in every problem, e.g. {@code "request body"}
     */
    public static Config parse(String yamlText, String sourceName) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Optional<LocatedNode> root = LocatedTreeReader.read(yamlText, problems);
        Config config = root.isEmpty() ? Config.defaults() : new ConfigValidator(problems).validate(root.get());
        problems.throwIfAny();
        return config;
    }

    private static ConfigException unreadable(String source, String reason) {
        return new ConfigException(source, List.of(new ConfigProblem(source, 0, 0, "", reason)));
    }
}
