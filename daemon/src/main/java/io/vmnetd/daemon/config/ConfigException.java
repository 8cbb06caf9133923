package io.vmnetd.daemon.config;

import java.util.List;

/** A configuration was rejected; carries every problem found, not just the first. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super(describe(source, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems in the order they appear in the text. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(String source, List<ConfigProblem> problems) {
        StringBuilder text = new StringBuilder()
                .append(problems.size())
                .append(problems.size() == 1 ? " error in " : " errors in ")
                .append(source);
        for (ConfigProblem problem : problems) {
            text.append('\n').append(problem);
        }
        return text.toString();
    }
}
